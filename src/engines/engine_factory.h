// Builds the engine watchers an init config enables. Shared by the plugin and
// the command-line tool so both run exactly the same watchers. `host_root`
// (HostRootFromEnvironment()) prefixes every socket.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/common/host_root.h"
#include "engines/container_engine.h"

namespace libcontainer {

std::vector<std::unique_ptr<ContainerEngine>> CreateEngines(const PluginConfig& config,
                                                            const std::string& host_root,
                                                            const Logger& logger);

}  // namespace libcontainer
