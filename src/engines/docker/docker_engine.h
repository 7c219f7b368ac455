// Watches Docker Engine sockets (SPEC §7): lists at start, follows
// create/start/destroy events, inspects new containers (plus their image for
// repo/digest), reconnects with backoff, answers on-demand lookups. An
// EngineWatcher whose sessions speak the Docker API over HTTP.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/engine_timing.h"
#include "engines/engine_watcher.h"
#include "engines/http/http_dialect.h"

namespace libcontainer {

// The highest API version we speak (docker 20.10); newer daemons accept it.
inline constexpr std::string_view kDockerMaxApiVersion = "1.41";

class DockerEngine final : public EngineWatcher {
 public:
  // `sockets` already carry $HOST_ROOT.
  DockerEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
               EngineTiming timing = {});
  ~DockerEngine() override;

 private:
  std::unique_ptr<EngineSession> MakeSession(const std::string& socket) override;

  const std::unique_ptr<HttpEngineDialect> dialect_;
};

}  // namespace libcontainer
