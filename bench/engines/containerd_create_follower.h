// containerd's /containers/create envelopes (every namespace, so CRI pods' containers in k8s.io too) on
// a connection of our own: envelope timestamp and when we read it, per container id.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engines/containerd/containerd_client.h"
#include "latency_stats.h"

namespace benchengines {

class ContainerdCreateFollower : public CreateFollower {
 public:
  explicit ContainerdCreateFollower(const std::string& socket);
  ~ContainerdCreateFollower() override;

  std::optional<CreateEvent> WaitFor(const std::string& id, std::chrono::milliseconds patience) override;
  std::string error() override { return ""; }

 private:
  void Run();

  libcontainer::ContainerdClient client_;
  std::unique_ptr<libcontainer::ContainerdEventStream> stream_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, CreateEvent> created_;
  bool ended_ = false;
  std::thread thread_;
};

}  // namespace benchengines
