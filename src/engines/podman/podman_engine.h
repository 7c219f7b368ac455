// Watches podman through the libpod REST API (/v4.0.0/libpod/...): the
// configured (root) sockets plus every rootless user's
// <host_root>/run/user/<uid>/podman/podman.sock, rescanned periodically so a
// user who logs in after start is picked up. Follows create/start/remove.
#pragma once

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"
#include "engines/http/engine_timing.h"
#include "engines/http/http_engine_session.h"

namespace libcontainer {

inline constexpr std::string_view kPodmanApiPrefix = "/v4.0.0/libpod";

class PodmanEngine final : public ContainerEngine {
 public:
  // `sockets` already carry $HOST_ROOT; `host_root` ("" for /) is where the
  // rootless sockets are looked for. Threads: one per socket, one lookup
  // worker, one rootless scanner.
  PodmanEngine(std::vector<std::string> sockets, std::string host_root, const PluginConfig& config,
               const Logger& logger, EngineTiming timing = {});
  ~PodmanEngine() override;

  std::string_view name() const override { return "podman"; }
  void Start(ContainerSink& sink) override;
  void Stop() override;
  void RequestLookup(std::string_view id) override;
  Stats stats() const override;
  bool WaitForInitialList(std::chrono::milliseconds timeout) override;

  // Sockets of rootless users under `host_root`, sorted.
  static std::vector<std::string> FindRootlessSockets(const std::string& host_root);

 private:
  void RunRootlessScan();

  const std::vector<std::string> sockets_;
  const std::string host_root_;
  const Logger& logger_;
  const EngineTiming timing_;
  HttpEngineWatcher watcher_;
  std::thread scan_thread_;
};

}  // namespace libcontainer
