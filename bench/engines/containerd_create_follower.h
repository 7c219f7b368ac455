// containerd's /containers/create envelopes (every namespace, so CRI pods' containers in k8s.io too) on
// a connection of our own: envelope timestamp and when we read it, per container id.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "engines/containerd/containerd_client.h"
#include "latency_stats.h"

namespace benchengines {

class ContainerdCreateFollower : public CreateFollower {
 public:
  explicit ContainerdCreateFollower(const std::string& socket);
  ~ContainerdCreateFollower() override;

 private:
  void Run();

  libcontainer::ContainerdClient client_;
  std::unique_ptr<libcontainer::ContainerdEventStream> stream_;
  std::thread thread_;
};

}  // namespace benchengines
