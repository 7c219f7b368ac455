// Follows a docker or podman /events stream (container create only) on its own connection and records
// the engine's timeNano per container id. The receive time separates what the engine's stream itself
// takes (podman's file events are tailed) from what the plugin adds.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <thread>

#include "engines/http/unix_http_client.h"
#include "latency_stats.h"

namespace benchengines {

class HttpCreateFollower : public CreateFollower {
 public:
  explicit HttpCreateFollower(const std::string& socket);
  ~HttpCreateFollower() override;

 private:
  void Run();
  void OnLine(std::string_view line);

  libcontainer::UnixHttpClient client_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace benchengines
