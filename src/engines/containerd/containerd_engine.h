// Watches containerd's native API (SPEC §7): subscribes to container and task
// events in every namespace, lists all namespaces' containers, reports new
// containers on create/start and removals on delete, reconnects with backoff
// and answers on-demand lookups (full or 12-character ids).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/engine_timing.h"
#include "engines/engine_watcher.h"

namespace libcontainer {

class ContainerdEngine final : public EngineWatcher {
 public:
  // `sockets` already carry $HOST_ROOT.
  ContainerdEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
                   EngineTiming timing = {});

 private:
  std::unique_ptr<EngineSession> MakeSession(const std::string& socket) override;
};

}  // namespace libcontainer
