#include "engines/engine_factory.h"

#include <optional>

#include "engines/containerd/containerd_engine.h"
#include "engines/cri/cri_engine.h"
#include "engines/docker/docker_engine.h"
#include "engines/podman/podman_engine.h"

namespace libcontainer {
namespace {

std::vector<std::string> Prefixed(const std::string& host_root, const std::vector<std::string>& sockets) {
  std::vector<std::string> out;
  out.reserve(sockets.size());
  for (const auto& socket : sockets) out.push_back(WithHostRoot(host_root, socket));
  return out;
}

// nullopt stays nullopt: the podman engine then finds the logs itself.
std::optional<std::vector<std::string>> PrefixedLogs(const std::string& host_root,
                                                     const std::optional<std::vector<std::string>>& logs) {
  if (!logs) return std::nullopt;
  return Prefixed(host_root, *logs);
}

}  // namespace

std::vector<std::unique_ptr<ContainerEngine>> CreateEngines(const PluginConfig& config,
                                                            const std::string& host_root,
                                                            const Logger& logger) {
  std::vector<std::unique_ptr<ContainerEngine>> engines;
  if (config.docker.enabled) {
    engines.push_back(
        std::make_unique<DockerEngine>(Prefixed(host_root, config.docker.sockets), config, logger));
  }
  if (config.podman.enabled) {
    engines.push_back(std::make_unique<PodmanEngine>(Prefixed(host_root, config.podman.sockets),
                                                     PrefixedLogs(host_root, config.podman.events_logs),
                                                     host_root, config, logger));
  }
  if (config.containerd.enabled) {
    engines.push_back(
        std::make_unique<ContainerdEngine>(Prefixed(host_root, config.containerd.sockets), config, logger));
  }
  if (config.cri.enabled) {
    engines.push_back(std::make_unique<CriEngine>(Prefixed(host_root, config.cri.sockets), config, logger));
  }
  return engines;
}

}  // namespace libcontainer
