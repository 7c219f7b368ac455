// One docker or podman socket as an EngineSession: ping, negotiate the API
// version, list the containers (the inspect workers inspect them), then
// follow the events stream; inspects and lookups go through one connection
// per inspect worker. The engine-specific
// paths and decoders come from an HttpEngineDialect.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engines/engine_session.h"
#include "engines/engine_watcher.h"
#include "engines/http/engine_http.h"
#include "engines/http/http_dialect.h"
#include "engines/repeated_warning.h"

namespace libcontainer {

class HttpSession final : public EngineSession {
 public:
  // `dialect` and `watcher` outlive the session.
  HttpSession(std::string socket, const HttpEngineDialect& dialect, EngineWatcher& watcher);

  const std::string& socket() const override { return socket_; }
  std::string Follow(const std::function<void(std::string_view summary)>& listed) override;
  void Cancel() override { cancelled_.store(true); }
  InspectOutcome Lookup(const std::string& id, size_t worker, ContainerInfo* info,
                        std::string* error) override;
  // On a connection of its own: the reconcile thread shares none.
  std::optional<std::unordered_set<std::string>> ListIds(std::string* error) override;

 private:
  // GET the container list on `http`: what it says of each container, or
  // nullopt and *error.
  std::optional<std::vector<ContainerInfo>> List(EngineHttp& http, const std::string& prefix,
                                                 std::string* error);
  // Has the inspect workers inspect the containers of a list (their facts
  // reported should the inspect fail).
  void InspectListed(const std::string& prefix, std::vector<ContainerInfo> listed);
  void HandleLine(const std::string& prefix, std::string_view line);
  // One inspect of `id` on the inspect worker the attempt is given.
  EngineWatcher::InspectAttempt InspectOnWorker(const std::string& prefix, const std::string& id);

  const std::string socket_;
  const HttpEngineDialect& dialect_;
  EngineWatcher& watcher_;
  // Every transfer of this session watches it, so Cancel() ends them at once.
  std::atomic<bool> cancelled_{false};
  EngineHttp http_;    // the session thread's: requests
  EngineHttp events_;  // the session thread's: the events stream
  // One per inspect worker, each used by that worker's thread alone.
  std::vector<std::unique_ptr<EngineHttp>> worker_http_;
  // The session thread's: lines of the events stream that are not JSON.
  RepeatedWarning malformed_warning_;

  std::mutex mu_;
  std::string prefix_;  // guarded by mu_; the negotiated path prefix
};

}  // namespace libcontainer
