// Watches podman through the libpod REST API (/v4.0.0/libpod/...): the
// configured (root) sockets plus every rootless user's
// <host_root>/run/user/<uid>/podman/podman.sock, rescanned periodically so a
// user who logs in after start is picked up. Follows create/start/remove.
// With podman's file events_logger, the API stream lags its events log by
// 100-250 ms, so the logs are also followed directly (PodmanEventsLog): a
// container is inspected as soon as its line is written. Each service's log
// is found when its socket connects (podman_events_discovery.h), unless the
// config names the logs of the configured sockets.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/engine_timing.h"
#include "engines/engine_watcher.h"
#include "engines/http/engine_http.h"
#include "engines/http/http_dialect.h"
#include "engines/podman/podman_events_log.h"

namespace libcontainer {

inline constexpr std::string_view kPodmanApiPrefix = "/v4.0.0/libpod";

class PodmanEngine final : public EngineWatcher {
 public:
  // `sockets` and `events_logs` (those of the services on `sockets`; nullopt:
  // discover them) already carry $HOST_ROOT; `host_root` ("" for /) is where
  // the rootless sockets, the services' files and their events logs are looked
  // for. Threads: one per socket, the inspect workers, one rootless scanner,
  // one per events log.
  PodmanEngine(std::vector<std::string> sockets, std::optional<std::vector<std::string>> events_logs,
               std::string host_root, const PluginConfig& config, const Logger& logger,
               EngineTiming timing = {});
  ~PodmanEngine() override;

  // Adds the rootless scanner and the events logs to the watcher's threads.
  void Start(ContainerSink& sink) override;
  void Stop() override;

  // Sockets of rootless users under `host_root`, sorted.
  static std::vector<std::string> FindRootlessSockets(const std::string& host_root);

 private:
  std::unique_ptr<EngineSession> MakeSession(const std::string& socket) override;
  void RunRootlessScan();
  // A service connected (its session thread): finds and follows its log.
  void DiscoverEventsLog(EngineHttp& http, const std::string& socket, std::string_view prefix);
  void FollowEventsLog(const std::string& path);

  const std::vector<std::string> sockets_;
  const std::optional<std::vector<std::string>> events_logs_;
  const std::string host_root_;
  const std::unique_ptr<HttpEngineDialect> dialect_;
  std::thread scan_thread_;
  std::mutex logs_mu_;
  // Added by Start and the session threads; Stop stops them once those ended.
  std::vector<std::unique_ptr<PodmanEventsLog>> logs_;
  // Per socket, what discovery last logged: said again only when it changes.
  std::map<std::string, std::string> discovered_;
};

}  // namespace libcontainer
