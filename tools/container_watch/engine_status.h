// One line per engine for a person: connected, or why not, short enough to
// read. The watchers' own reasons are per socket and long for gRPC, and a
// regular file in place of a socket reads "Connection refused" there, so the
// socket files are looked at here first.
#pragma once

#include <string>
#include <vector>

#include "core/plugin_config.h"
#include "engines/container_engine.h"

namespace container_watch {

struct EngineSockets {
  std::string engine;                // "docker", "podman", "containerd", "cri"
  std::vector<std::string> sockets;  // with $HOST_ROOT
  bool defaults = false;             // not named by the user's config
};

// The sockets the config gives each socket engine, by the engines' names.
std::vector<EngineSockets> ConfiguredSockets(const libcontainer::PluginConfig& config,
                                             const std::string& host_root);

// Why one socket file cannot be a live engine ("no such file", "not a
// socket", ...), or "" when it is a socket worth connecting to.
std::string SocketFileProblem(const std::string& path);

// "docker: connected" or "docker: not reachable: /var/run/docker.sock: no such file".
std::string DescribeEngine(const EngineSockets& sockets, const libcontainer::ContainerEngine::Stats& stats);

}  // namespace container_watch
