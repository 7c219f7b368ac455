// A tiny in-process containerd (namespaces, containers and events services)
// on a unix socket, for watcher tests. Containers live in namespaces; events
// go to the streams open when they are pushed, like containerd's.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "containerd/services/containers/v1/containers.grpc.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "containerd/services/namespaces/v1/namespace.grpc.pb.h"

namespace libcontainer::testing {

class FakeContainerdServer {
 public:
  // Starts serving on `socket_path` (removed first if it exists).
  explicit FakeContainerdServer(std::string socket_path);
  ~FakeContainerdServer();

  const std::string& socket_path() const { return socket_path_; }

  void AddContainer(const std::string& ns, const containerd::services::containers::v1::Container& container);
  void RemoveContainer(const std::string& ns, const std::string& id);
  // /containers/create, /containers/delete (ContainerCreate/ContainerDelete
  // payloads) or /tasks/start (TaskStart) for `id`.
  void PushEvent(const std::string& ns, const std::string& topic, const std::string& id);
  // Get of `id` waits until ReleaseGet(id), the call is cancelled or the
  // server stops.
  void HoldGet(const std::string& id);
  void ReleaseGet(const std::string& id);
  // Get calls now waiting on a hold.
  int held_gets() const;
  // Filters of every Subscribe so far.
  std::vector<std::string> subscribe_filters() const;
  bool WaitForSubscribers(int count, std::chrono::milliseconds timeout);
  int subscribers() const;

 private:
  class Containers;
  class Namespaces;
  class Events;

  std::string socket_path_;
  std::unique_ptr<Containers> containers_service_;
  std::unique_ptr<Namespaces> namespaces_service_;
  std::unique_ptr<Events> events_service_;
  std::unique_ptr<grpc::Server> server_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // namespace → id → container
  std::map<std::string, std::map<std::string, containerd::services::containers::v1::Container>> containers_;
  std::vector<containerd::services::events::v1::Envelope> events_;
  std::vector<std::string> filters_;
  std::set<std::string> held_;
  int waiting_ = 0;
  int subscribers_ = 0;
  bool shutting_down_ = false;
};

}  // namespace libcontainer::testing
