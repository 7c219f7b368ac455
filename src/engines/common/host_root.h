// Where the host's files are when the plugin runs in a container: Falco's
// container image mounts the host under `$HOST_ROOT` (/host), so every socket,
// /proc and engine file the engines open is looked for under it.
#pragma once

#include <string>

namespace libcontainer {

// `$HOST_ROOT`, or "" when unset.
std::string HostRootFromEnvironment();
// `path` under `host_root` ("" leaves it as it is).
std::string WithHostRoot(const std::string& host_root, const std::string& path);

}  // namespace libcontainer
