// A tiny in-process CRI RuntimeService on a unix socket, for client tests:
// canned container and sandbox statuses, a scriptable GetContainerEvents
// stream, and switches for the failure modes clients must survive.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cri/api.grpc.pb.h"

namespace libcontainer::testing {

class FakeCriServer final : public runtime::v1::RuntimeService::Service {
 public:
  // Starts serving on `socket_path` (removed first if it exists).
  explicit FakeCriServer(std::string socket_path, std::string runtime_name = "containerd");
  ~FakeCriServer() override;

  const std::string& socket_path() const { return socket_path_; }

  // `sandbox_id` is what ListContainers reports as the container's pod.
  void AddContainer(const runtime::v1::ContainerStatusResponse& status, const std::string& sandbox_id = "");
  void AddSandbox(const runtime::v1::PodSandboxStatusResponse& status);
  void RemoveContainer(const std::string& id);
  void RemoveSandbox(const std::string& id);
  // ListContainers calls answered so far.
  int container_lists() const;
  // Delivered, in order, to every open and future GetContainerEvents stream.
  void PushEvent(const runtime::v1::ContainerEventResponse& event);
  // containerd 1.6 behaviour: GetContainerEvents → UNIMPLEMENTED.
  void SetEventsUnimplemented(bool value);
  // Every unary call sleeps this long first (deadline tests); shutting the
  // server down cuts the sleep short.
  void SetDelay(std::chrono::milliseconds delay);
  // Unary calls received so far, answered or still sleeping.
  int unary_calls() const;
  int open_event_streams() const;
  // Waits until `count` streams are open; false on timeout.
  bool WaitForEventStreams(int count, std::chrono::milliseconds timeout);

  grpc::Status Version(grpc::ServerContext*, const runtime::v1::VersionRequest*,
                       runtime::v1::VersionResponse*) override;
  grpc::Status ListContainers(grpc::ServerContext*, const runtime::v1::ListContainersRequest*,
                              runtime::v1::ListContainersResponse*) override;
  grpc::Status ContainerStatus(grpc::ServerContext*, const runtime::v1::ContainerStatusRequest*,
                               runtime::v1::ContainerStatusResponse*) override;
  grpc::Status ListPodSandbox(grpc::ServerContext*, const runtime::v1::ListPodSandboxRequest*,
                              runtime::v1::ListPodSandboxResponse*) override;
  grpc::Status PodSandboxStatus(grpc::ServerContext*, const runtime::v1::PodSandboxStatusRequest*,
                                runtime::v1::PodSandboxStatusResponse*) override;
  grpc::Status GetContainerEvents(grpc::ServerContext*, const runtime::v1::GetEventsRequest*,
                                  grpc::ServerWriter<runtime::v1::ContainerEventResponse>*) override;

 private:
  void Delay() const;
  // The unique container whose id starts with `prefix`, like real runtimes.
  const runtime::v1::ContainerStatusResponse* FindLocked(const std::string& prefix) const;

  std::string socket_path_;
  std::string runtime_name_;
  std::unique_ptr<grpc::Server> server_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, runtime::v1::ContainerStatusResponse> containers_;
  std::map<std::string, std::string> container_sandboxes_;
  std::map<std::string, runtime::v1::PodSandboxStatusResponse> sandboxes_;
  std::vector<runtime::v1::ContainerEventResponse> events_;
  bool events_unimplemented_ = false;
  bool shutting_down_ = false;
  int open_streams_ = 0;
  mutable int unary_calls_ = 0;
  int container_lists_ = 0;
  std::chrono::milliseconds delay_{0};
};

}  // namespace libcontainer::testing
