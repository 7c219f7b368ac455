#include "engines/http/http_engine_session.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace libcontainer {
namespace {

// Engine text quoted in log lines is cut to this length.
constexpr size_t kMaxQuotedBytes = 200;

// Events remembered as handled: far more than arrive while the slower of two
// paths (podman's API stream polls its events file) catches up.
constexpr size_t kHandledEventsMemory = 1024;

std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  return std::string(text.substr(0, kMaxQuotedBytes)) + "...";
}

const char* EventKindName(EngineEvent::Kind kind) {
  switch (kind) {
    case EngineEvent::Kind::kCreate:
      return "create";
    case EngineEvent::Kind::kStart:
      return "start";
    case EngineEvent::Kind::kRemove:
      return "remove";
    case EngineEvent::Kind::kDie:
      return "die";
    case EngineEvent::Kind::kOther:
      break;
  }
  return "other";
}

}  // namespace

HttpEngineWatcher::HttpEngineWatcher(std::string name, std::unique_ptr<HttpEngineDialect> dialect,
                                     const PluginConfig& config, const Logger& logger, EngineTiming timing)
    : name_(std::move(name)),
      dialect_(std::move(dialect)),
      hooks_(config.hooks),
      label_max_len_(config.label_max_len),
      logger_(logger),
      timing_(timing),
      handled_(kHandledEventsMemory),
      worker_clients_(std::max<size_t>(timing_.inspect_workers, 1)) {}

HttpEngineWatcher::~HttpEngineWatcher() {
  Stop();
}

void HttpEngineWatcher::Start(ContainerSink& sink, const std::vector<std::string>& sockets,
                              bool more_sockets_coming) {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  sink_ = &sink;
  sockets_pending_ = more_sockets_coming;
  for (const std::string& socket : sockets) StartSessionLocked(socket);
  pipeline_.Start(sink, [this](const std::string& id, size_t worker) {
    std::optional<ContainerInfo> found = LookupOnce(id, ConnectedTargets(), worker_clients_[worker]);
    const bool retry = !found.has_value();
    return InspectPipeline::Result{std::move(found), retry};
  });
}

void HttpEngineWatcher::AddSocket(const std::string& socket) {
  std::lock_guard lock(mu_);
  if (!started_ || stopping_) return;
  StartSessionLocked(socket);
}

void HttpEngineWatcher::StartSessionLocked(const std::string& socket) {
  for (const auto& session : sessions_) {
    if (session->socket == socket) return;
  }
  sessions_.push_back(std::make_unique<Session>(socket));
  Session* session = sessions_.back().get();
  session->thread = std::thread([this, session] { RunSession(*session); });
}

void HttpEngineWatcher::InitialSocketsKnown() {
  {
    std::lock_guard lock(mu_);
    sockets_pending_ = false;
  }
  cv_.notify_all();
}

bool HttpEngineWatcher::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, duration, [this] { return stopping_; });
}

void HttpEngineWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    stop_.store(true);
  }
  cv_.notify_all();
  // No session is added once stopping_ is set, so the list is stable.
  for (const auto& session : sessions_) {
    if (session->thread.joinable()) session->thread.join();
  }
  // Its attempts in progress end at once: their transfers watch stop_.
  pipeline_.Stop();
}

void HttpEngineWatcher::MarkInitialDone(Session& session) {
  {
    std::lock_guard lock(mu_);
    if (session.initial_done) return;
    session.initial_done = true;
  }
  cv_.notify_all();
}

bool HttpEngineWatcher::WaitForInitialList(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto all_done = [this] {
    if (!started_ || sockets_pending_) return false;
    return std::all_of(sessions_.begin(), sessions_.end(), [](const auto& s) { return s->initial_done; });
  };
  cv_.wait_for(lock, timeout, [&] { return stopping_ || all_done(); });
  return all_done();
}

ContainerEngine::Stats HttpEngineWatcher::stats() const {
  ContainerEngine::Stats stats;
  counters_.CopyTo(&stats);
  std::lock_guard lock(mu_);
  for (const auto& session : sessions_) {
    if (session->connected.load()) {
      stats.connected = true;
    } else {
      stats.AddSocketError(session->last_error);
    }
  }
  return stats;
}

void HttpEngineWatcher::RunSession(Session& session) {
  EngineHttp http(session.socket, stop_, timing_.request_deadline);
  EngineHttp events(session.socket, stop_, timing_.request_deadline);
  ReconnectPolicy policy(name_, logger_, timing_, counters_);
  while (!stop_.load()) {
    const std::string error = ConnectAndFollow(session, http, events, policy);
    if (stop_.load()) break;
    {
      std::lock_guard lock(mu_);
      session.last_error = error;
    }
    session.connected.store(false);
    MarkInitialDone(session);
    if (!SleepUnlessStopped(policy.Disconnected(error))) break;
  }
  session.connected.store(false);
}

std::string HttpEngineWatcher::ConnectAndFollow(Session& session, EngineHttp& http, EngineHttp& events,
                                                ReconnectPolicy& policy) {
  EngineHttp::Result result = http.Get("/_ping");
  if (!result.ok()) return result.error;
  result = http.Get("/version");
  if (!result.ok()) return result.error;
  std::string prefix, version, error;
  if (!dialect_->Negotiate(result.body, &prefix, &version, &error)) {
    return session.socket + ": cannot negotiate the API version: " + error;
  }
  {
    std::lock_guard lock(mu_);
    session.prefix = prefix;
  }

  // Events are followed from just before the listing, so a container created
  // while listing is reported (perhaps twice) rather than missed.
  const int64_t since =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() -
      1;
  result = http.Get(dialect_->ListPath(prefix));
  if (!result.ok()) return result.error;
  auto ids = dialect_->DecodeList(result.body, &error);
  if (!ids) return session.socket + ": malformed container list: " + error;
  // Inspected here rather than by the pipeline, so that the socket counts as
  // listed (WaitForInitialList) once every container is reported.
  for (const std::string& id : *ids) {
    ContainerInfo info;
    const InspectStatus status = InspectCounted(http, prefix, id, &info, &error);
    if (status == InspectStatus::kStopped) return "";
    if (status == InspectStatus::kUnreachable) return error;
    if (status == InspectStatus::kFound) sink_->OnContainer(info);
  }

  // Before the socket counts as connected: whatever the dialect sets up
  // (podman's events log) is in place once it does.
  dialect_->Connected(http, session.socket, prefix);
  policy.Connected(session.socket + " (API " + version + "), " + std::to_string(ids->size()) +
                   " containers listed");
  session.connected.store(true);
  {
    std::lock_guard lock(mu_);
    session.last_error.clear();
  }
  MarkInitialDone(session);

  const auto end = events.Stream(
      dialect_->EventsPath(prefix, since), [&](std::string_view line) { HandleEvent(session, prefix, line); },
      &error);
  switch (end) {
    case UnixHttpClient::StreamEnd::kStopped:
      return "";
    case UnixHttpClient::StreamEnd::kServerClosed:
      return session.socket + ": event stream ended" + (error.empty() ? "" : " (" + error + ")");
    default:
      return error;
  }
}

void HttpEngineWatcher::HandleEvent(Session& session, std::string_view prefix, std::string_view line) {
  const std::optional<EngineEvent> event = dialect_->DecodeEvent(line);
  if (!event) {
    // Non-container events decode to nothing too; only bad JSON is news.
    if (!nlohmann::json::accept(line)) {
      logger_.Warning(name_ + ": skipping malformed event from " + session.socket + ": " + Quote(line));
    }
    return;
  }
  if (event->id.empty()) return;
  counters_.events.fetch_add(1);
  HandleContainerEvent(*event, "on " + session.socket, LookupTarget{session.socket, std::string(prefix)});
}

void HttpEngineWatcher::HandleFileEvent(const EngineEvent& event) {
  if (event.id.empty() || stop_.load()) return;
  if (HandleContainerEvent(event, "from the events log", std::nullopt)) counters_.file_events.fetch_add(1);
}

bool HttpEngineWatcher::HandleContainerEvent(const EngineEvent& event, std::string_view source,
                                             const std::optional<LookupTarget>& target) {
  if (logger_.Enabled(LogLevel::kDebug)) {
    logger_.Debug(name_ + ": event " + EventKindName(event.kind) + " " + event.id + " " +
                  std::string(source));
  }
  switch (event.kind) {
    case EngineEvent::Kind::kCreate:
    case EngineEvent::Kind::kStart: {
      const uint32_t hook = event.kind == EngineEvent::Kind::kCreate ? kHookCreate : kHookStart;
      if ((hooks_ & hook) == 0 || !handled_.Claim(event)) return false;
      ReportFromEvent(event);
      const bool queued =
          pipeline_.Inspect(event.id, [this, event, target](const std::string&, size_t worker) {
            return InspectEvent(event, target, worker);
          });
      // The other path's copy of the event may still get the full record.
      if (!queued) handled_.Release(event);
      return true;
    }
    case EngineEvent::Kind::kRemove: {
      if (!handled_.Claim(event)) return false;
      ContainerInfo removed;
      removed.type = dialect_->type();
      removed.full_id = event.id;
      removed.id = std::string(ShortId(event.id));
      pipeline_.Removed(removed);
      return true;
    }
    case EngineEvent::Kind::kDie:
    case EngineEvent::Kind::kOther:
      break;
  }
  return false;
}

void HttpEngineWatcher::ReportFromEvent(const EngineEvent& event) {
  if (event.name.empty() && event.image.empty()) return;
  ContainerInfo info;
  info.type = dialect_->type();
  info.full_id = event.id;
  info.id = std::string(ShortId(event.id));
  info.name = event.name;
  info.image = event.image;
  ImageReference ref = ParseImageReference(info.image);
  info.image_repo = std::move(ref.repository);
  info.image_tag = std::move(ref.tag);
  info.image_digest = std::move(ref.digest);
  for (const auto& [key, value] : event.labels) {
    if (value.size() <= label_max_len_) info.labels.emplace(key, value);
  }
  sink_->OnContainer(info);
}

InspectPipeline::Result HttpEngineWatcher::InspectEvent(const EngineEvent& event,
                                                        const std::optional<LookupTarget>& target,
                                                        size_t worker) {
  std::optional<ContainerInfo> info;
  if (target) {
    EngineHttp& http = worker_clients_[worker]
                           .try_emplace(target->socket, target->socket, stop_, timing_.request_deadline)
                           .first->second;
    ContainerInfo found;
    std::string error;
    const InspectStatus status = InspectCounted(http, target->prefix, event.id, &found, &error);
    if (status == InspectStatus::kUnreachable) {
      logger_.Warning(name_ + ": cannot inspect " + event.id + ": " + error);
    }
    if (status == InspectStatus::kFound) info = std::move(found);
  } else {
    info = LookupOnce(event.id, ConnectedTargets(), worker_clients_[worker]);  // logs why not
  }
  if (!info) {
    // The other path's copy of the event may still get the full record.
    handled_.Release(event);
    if (logger_.Enabled(LogLevel::kDebug)) {
      logger_.Debug(name_ + ": " + event.id + " not inspected; its event may be handled again");
    }
  }
  // A retry only happens when an on-demand lookup of the id merged into this.
  const bool retry = !info.has_value();
  return {std::move(info), retry};
}

InspectStatus HttpEngineWatcher::InspectCounted(EngineHttp& http, std::string_view prefix,
                                                std::string_view id, ContainerInfo* info,
                                                std::string* error) {
  const InspectStatus status = dialect_->Inspect(http, prefix, id, info, error);
  switch (status) {
    case InspectStatus::kFound:
      break;
    case InspectStatus::kNotFound:
      // Removed between the list (or event) and the inspect: common, harmless.
      counters_.inspect_errors.fetch_add(1);
      if (logger_.Enabled(LogLevel::kDebug))
        logger_.Debug(name_ + ": " + std::string(id) + " is gone: " + *error);
      break;
    case InspectStatus::kBadResponse:
      counters_.inspect_errors.fetch_add(1);
      logger_.Warning(name_ + ": skipping container " + std::string(id) + ": " + Quote(*error));
      break;
    case InspectStatus::kUnreachable:
      counters_.inspect_errors.fetch_add(1);  // the caller decides what to log
      break;
    case InspectStatus::kStopped:
      break;
  }
  return status;
}

void HttpEngineWatcher::RequestLookup(std::string_view id) {
  pipeline_.Lookup(id);
}

std::vector<HttpEngineWatcher::LookupTarget> HttpEngineWatcher::ConnectedTargets() const {
  std::lock_guard lock(mu_);
  std::vector<LookupTarget> targets;
  for (const auto& session : sessions_) {
    if (session->connected.load()) targets.push_back({session->socket, session->prefix});
  }
  return targets;
}

std::optional<ContainerInfo> HttpEngineWatcher::LookupOnce(const std::string& id,
                                                           const std::vector<LookupTarget>& targets,
                                                           EngineClients& clients) {
  for (const LookupTarget& target : targets) {
    EngineHttp& http =
        clients.try_emplace(target.socket, target.socket, stop_, timing_.request_deadline).first->second;
    ContainerInfo info;
    std::string error;
    switch (dialect_->Inspect(http, target.prefix, id, &info, &error)) {
      case InspectStatus::kFound:
        return info;
      case InspectStatus::kStopped:
        return std::nullopt;
      case InspectStatus::kNotFound:
        break;
      case InspectStatus::kBadResponse:
        counters_.inspect_errors.fetch_add(1);
        logger_.Warning(name_ + ": lookup of " + id + ": " + Quote(error));
        break;
      case InspectStatus::kUnreachable:
        counters_.inspect_errors.fetch_add(1);
        if (logger_.Enabled(LogLevel::kDebug)) logger_.Debug(name_ + ": lookup of " + id + ": " + error);
        break;
    }
  }
  return std::nullopt;
}

}  // namespace libcontainer
