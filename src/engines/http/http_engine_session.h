// The machinery the docker and podman watchers share: one session thread per
// unix socket (ping, version, list and inspect, follow events; back off and
// reconnect on any failure), an InspectPipeline for the inspects that events
// and on-demand lookups ask for, and the stats. The engine-specific paths and
// decoders come from an HttpEngineDialect.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/container_info.h"
#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"
#include "engines/docker/docker_decoder.h"
#include "engines/engine_counters.h"
#include "engines/http/engine_http.h"
#include "engines/http/engine_timing.h"
#include "engines/http/handled_events.h"
#include "engines/inspect_pipeline.h"
#include "engines/reconnect_policy.h"

namespace libcontainer {

// The engine-specific half of a watcher. Implementations are immutable after
// construction and called from several threads.
class HttpEngineDialect {
 public:
  virtual ~HttpEngineDialect() = default;
  virtual ContainerType type() const = 0;
  // From the body of GET /version: the prefix of every later path ("/v1.41",
  // "/v4.0.0/libpod") and the version to log.
  virtual bool Negotiate(std::string_view version_body, std::string* prefix, std::string* version,
                         std::string* error) const = 0;
  virtual std::string ListPath(std::string_view prefix) const = 0;
  virtual std::optional<std::vector<std::string>> DecodeList(std::string_view body,
                                                             std::string* error) const = 0;
  // Events since `since_seconds` (unix time), filtered to what the hooks need.
  virtual std::string EventsPath(std::string_view prefix, int64_t since_seconds) const = 0;
  virtual std::optional<EngineEvent> DecodeEvent(std::string_view line) const = 0;
  // Inspects `id` (full or prefix) and whatever else completes the record.
  virtual InspectStatus Inspect(EngineHttp& http, std::string_view prefix, std::string_view id,
                                ContainerInfo* info, std::string* error) const = 0;
  // On the session's thread, each time `socket` has listed, before it counts
  // as connected and its event stream is followed (the service may have
  // changed since the last time).
  virtual void Connected(EngineHttp& /*http*/, const std::string& /*socket*/,
                         std::string_view /*prefix*/) const {}
};

class HttpEngineWatcher {
 public:
  HttpEngineWatcher(std::string name, std::unique_ptr<HttpEngineDialect> dialect, const PluginConfig& config,
                    const Logger& logger, EngineTiming timing);
  ~HttpEngineWatcher();
  HttpEngineWatcher(const HttpEngineWatcher&) = delete;
  HttpEngineWatcher& operator=(const HttpEngineWatcher&) = delete;

  // Starts a session per socket and the inspect workers; at most once. With
  // `more_sockets_coming`, WaitForInitialList also waits for
  // InitialSocketsKnown() (podman's first rootless scan).
  void Start(ContainerSink& sink, const std::vector<std::string>& sockets, bool more_sockets_coming);
  // Adds a session for a socket found later; ignored if known or stopping.
  void AddSocket(const std::string& socket);
  void InitialSocketsKnown();
  // Sleeps unless stopping; false once Stop() was called.
  bool SleepUnlessStopped(std::chrono::milliseconds duration);
  // Prompt and idempotent; joins every thread it started.
  void Stop();

  void RequestLookup(std::string_view id);
  // An event read outside the API streams (podman's events log), handled like
  // a stream event: the container is inspected at once through whichever
  // connected socket knows it. Each event is handled once, whether the file
  // or a stream delivers it first.
  void HandleFileEvent(const EngineEvent& event);
  ContainerEngine::Stats stats() const;
  bool WaitForInitialList(std::chrono::milliseconds timeout);

 private:
  struct Session {
    explicit Session(std::string path) : socket(std::move(path)) {}
    const std::string socket;
    std::thread thread;
    std::atomic<bool> connected{false};  // listed and following events
    std::string prefix;                  // guarded by mu_; valid while connected
    std::string last_error;              // guarded by mu_; why it is down
    bool initial_done = false;           // guarded by mu_
  };
  struct LookupTarget {
    std::string socket, prefix;
  };

  void StartSessionLocked(const std::string& socket);
  void RunSession(Session& session);
  // Returns why the connection ended; "" when stopping.
  std::string ConnectAndFollow(Session& session, EngineHttp& http, EngineHttp& events,
                               ReconnectPolicy& policy);
  void HandleEvent(Session& session, std::string_view prefix, std::string_view line);
  // Reports a create/start (per the hooks) and queues its inspect, through
  // `target` or else any connected socket, or reports a removal; unless
  // another path handled the event already. True if handled here.
  bool HandleContainerEvent(const EngineEvent& event, std::string_view source,
                            const std::optional<LookupTarget>& target);
  // The inspect of a create/start on worker `worker` of pipeline_.
  InspectPipeline::Result InspectEvent(const EngineEvent& event, const std::optional<LookupTarget>& target,
                                       size_t worker);
  // What the event itself says (name, image, labels): reported before the
  // inspect, which the engine may hold back until the container has started.
  void ReportFromEvent(const EngineEvent& event);
  // Inspects `id` and counts any failure; logs it too, unless the socket is
  // unreachable, which the caller logs as it sees fit.
  InspectStatus InspectCounted(EngineHttp& http, std::string_view prefix, std::string_view id,
                               ContainerInfo* info, std::string* error);
  void MarkInitialDone(Session& session);
  std::vector<LookupTarget> ConnectedTargets() const;
  std::optional<ContainerInfo> LookupOnce(const std::string& id, const std::vector<LookupTarget>& targets,
                                          EngineClients& clients);

  const std::string name_;
  const std::unique_ptr<HttpEngineDialect> dialect_;
  const uint32_t hooks_;
  const uint32_t label_max_len_;
  const Logger& logger_;
  const EngineTiming timing_;
  ContainerSink* sink_ = nullptr;  // set once by Start, before any thread

  std::atomic<bool> stop_{false};
  EngineCounters counters_;
  HandledEvents handled_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // stop, initial-list progress
  bool started_ = false;
  bool stopping_ = false;
  bool sockets_pending_ = false;
  std::vector<std::unique_ptr<Session>> sessions_;

  // One per pipeline worker, each used by that worker's thread alone.
  std::vector<EngineClients> worker_clients_;
  InspectPipeline pipeline_{name_, logger_, timing_, counters_};
};

}  // namespace libcontainer
