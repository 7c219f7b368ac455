// Watches Kubernetes CRI runtimes (containerd's CRI plugin, CRI-O; SPEC §7):
// lists containers and pod sandboxes at start, follows GetContainerEvents
// where the runtime implements it and otherwise polls ListContainers +
// ListPodSandbox (containerd < 1.7), reconnects with backoff and answers
// on-demand lookups by id prefix.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/engine_timing.h"
#include "engines/engine_watcher.h"

namespace libcontainer {

class CriEngine final : public EngineWatcher {
 public:
  // `sockets` already carry $HOST_ROOT. Records are typed by the runtime's
  // name (containerd, cri-o, else cri).
  CriEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
            EngineTiming timing = {});

 private:
  std::unique_ptr<EngineSession> MakeSession(const std::string& socket) override;
};

}  // namespace libcontainer
