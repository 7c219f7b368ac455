// Builds the engine watchers an init config enables. Shared by the plugin and
// the command-line tool so both run exactly the same watchers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"

namespace libcontainer {

// `$HOST_ROOT` (Falco's container image sets /host) prefixes every socket.
std::string HostRootFromEnvironment();
std::string WithHostRoot(const std::string& host_root, const std::string& path);

std::vector<std::unique_ptr<ContainerEngine>> CreateEngines(const PluginConfig& config,
                                                            const std::string& host_root,
                                                            const Logger& logger);

}  // namespace libcontainer
