// Watches Kubernetes CRI runtimes (containerd's CRI plugin, CRI-O; SPEC §7):
// lists containers and pod sandboxes at start, follows GetContainerEvents
// where the runtime implements it and otherwise polls ListContainers +
// ListPodSandbox (containerd < 1.7), reconnects with backoff and answers
// on-demand lookups by id prefix.
#pragma once

#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/grpc_engine.h"
#include "engines/http/engine_timing.h"

namespace libcontainer {

class CriEngine final : public GrpcEngine {
 public:
  // `sockets` already carry $HOST_ROOT. Records are typed by the runtime's
  // name (containerd, cri-o, else cri).
  CriEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
            EngineTiming timing = {});
};

}  // namespace libcontainer
