// Watches containerd's native API (SPEC §7): subscribes to container and task
// events in every namespace, lists all namespaces' containers, reports new
// containers on create/start and removals on delete, reconnects with backoff
// and answers on-demand lookups (full or 12-character ids).
#pragma once

#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/grpc_engine.h"
#include "engines/http/engine_timing.h"

namespace libcontainer {

class ContainerdEngine final : public GrpcEngine {
 public:
  // `sockets` already carry $HOST_ROOT.
  ContainerdEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
                   EngineTiming timing = {});
};

}  // namespace libcontainer
