// Watches Docker Engine sockets (SPEC §7): lists at start, follows
// create/start/destroy events, inspects new containers (plus their image for
// repo/digest), reconnects with backoff, answers on-demand lookups.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"
#include "engines/http/engine_timing.h"
#include "engines/http/http_engine_session.h"

namespace libcontainer {

// The highest API version we speak (docker 20.10); newer daemons accept it.
inline constexpr std::string_view kDockerMaxApiVersion = "1.41";

class DockerEngine final : public ContainerEngine {
 public:
  // `sockets` already carry $HOST_ROOT. One session thread per socket plus the
  // inspect workers (InspectPipeline), all started by Start().
  DockerEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
               EngineTiming timing = {});
  ~DockerEngine() override;

  std::string_view name() const override { return "docker"; }
  void Start(ContainerSink& sink) override;
  void Stop() override;
  void RequestLookup(std::string_view id) override;
  Stats stats() const override;
  bool WaitForInitialList(std::chrono::milliseconds timeout) override;

 private:
  std::vector<std::string> sockets_;
  HttpEngineWatcher watcher_;
};

}  // namespace libcontainer
