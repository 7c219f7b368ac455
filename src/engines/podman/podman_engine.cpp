#include "engines/podman/podman_engine.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "engines/common/host_root.h"
#include "engines/http/http_session.h"
#include "engines/podman/podman_decoder.h"
#include "engines/podman/podman_events_discovery.h"
#include "engines/podman/podman_service_facts.h"

namespace libcontainer {
namespace {

// Podman's libpod paths carry their own version; /version is only read for
// the log line (the "Podman Engine" component, else the top-level Version).
std::string PodmanVersion(const nlohmann::json& doc) {
  if (const auto components = doc.find("Components"); components != doc.end() && components->is_array()) {
    for (const auto& component : *components) {
      if (component.is_object() && component.value("Name", "") == "Podman Engine" &&
          !component.value("Version", "").empty()) {
        return component.value("Version", "");
      }
    }
  }
  const auto version = doc.find("Version");
  return version != doc.end() && version->is_string() ? version->get<std::string>() : "unknown";
}

class PodmanDialect final : public HttpEngineDialect {
 public:
  using ConnectedCallback = std::function<void(EngineHttp&, const std::string&, std::string_view)>;

  PodmanDialect(const PluginConfig& config, ConnectedCallback on_connected)
      : options_{config.label_max_len, config.with_size},
        hooks_(config.hooks),
        on_connected_(std::move(on_connected)) {}

  ContainerType type() const override { return ContainerType::kPodman; }

  bool Negotiate(std::string_view version_body, std::string* prefix, std::string* version,
                 std::string* error) const override {
    const nlohmann::json doc = nlohmann::json::parse(version_body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      *error = "/version is not a JSON object";
      return false;
    }
    *version = "libpod " + PodmanVersion(doc);
    *prefix = std::string(kPodmanApiPrefix);
    return true;
  }

  // Podman calls removal "remove" (no "destroy"); its death event, "died", is
  // not needed here.
  std::string EventsPath(std::string_view prefix, int64_t since_seconds) const override {
    return std::string(prefix) + "/events?stream=true&since=" + std::to_string(since_seconds) +
           "&filters=" + ContainerEventFilters(hooks_, "remove");
  }

  std::optional<EngineEvent> DecodeEvent(std::string_view line) const override {
    return DecodePodmanEvent(line);
  }

  InspectOutcome Inspect(EngineHttp& http, std::string_view prefix, std::string_view id, ContainerInfo* info,
                         std::string* error) const override {
    // Pod members run in the infra container's network namespace: handled by
    // the shared `container:<id>` network-mode lookup.
    return InspectContainer(http, prefix, id, options_, DecodePodmanInspect, info, error);
  }

  void Connected(EngineHttp& http, const std::string& socket, std::string_view prefix) const override {
    on_connected_(http, socket, prefix);
  }

 private:
  const DecodeOptions options_;
  const uint32_t hooks_;
  const ConnectedCallback on_connected_;
};

}  // namespace

PodmanEngine::PodmanEngine(std::vector<std::string> sockets,
                           std::optional<std::vector<std::string>> events_logs, std::string host_root,
                           const PluginConfig& config, const Logger& logger, EngineTiming timing)
    : EngineWatcher({.name = "podman", .more_sockets_coming = true, .deduplicate_events = true}, sockets,
                    config, logger, timing),
      sockets_(std::move(sockets)),
      events_logs_(std::move(events_logs)),
      host_root_(std::move(host_root)),
      dialect_(std::make_unique<PodmanDialect>(
          config, [this](EngineHttp& http, const std::string& socket, std::string_view prefix) {
            DiscoverEventsLog(http, socket, prefix);
          })) {}

PodmanEngine::~PodmanEngine() {
  Stop();
}

std::unique_ptr<EngineSession> PodmanEngine::MakeSession(const std::string& socket) {
  return std::make_unique<HttpSession>(socket, *dialect_, *this);
}

void PodmanEngine::Start(ContainerSink& sink) {
  if (scan_thread_.joinable()) return;
  EngineWatcher::Start(sink);
  if (events_logs_) {
    for (const std::string& path : *events_logs_) FollowEventsLog(path);
  }
  scan_thread_ = std::thread([this] { RunRootlessScan(); });
}

void PodmanEngine::Stop() {
  // The watcher's stop also wakes the scanner, and AddSocket refuses from now
  // on; it joins the sessions, so no log is added after it. The log threads'
  // inspects end at once and they report nothing more.
  EngineWatcher::Stop();
  if (scan_thread_.joinable()) scan_thread_.join();
  std::lock_guard lock(logs_mu_);
  for (const auto& log : logs_) log->Stop();
}

void PodmanEngine::DiscoverEventsLog(EngineHttp& http, const std::string& socket, std::string_view prefix) {
  // Configured logs stand for the configured sockets' services.
  if (events_logs_ && std::find(sockets_.begin(), sockets_.end(), socket) != sockets_.end()) return;
  const EngineHttp::Result info = http.Get(std::string(prefix) + "/info");
  if (info.outcome == EngineHttp::Result::Outcome::kStopped) return;
  std::string note;
  const PodmanEventsLogChoice choice = ChoosePodmanEventsLog(
      GatherPodmanEventsLogInputs(socket, info.ok() ? info.body : std::string(), host_root_, &note));
  const std::string path = choice.path.empty() ? std::string() : WithHostRoot(host_root_, choice.path);
  std::string message = path.empty()
                            ? "podman: " + socket + " logs its events to " +
                                  (choice.logger.empty() ? "no file found" : choice.logger) +
                                  ": only its API stream is followed, 100-250 ms later than a file would be"
                            : "podman: events log of " + socket + ": " + path + " (" + choice.source + ")";
  if (!info.ok()) message += "; no info: " + info.error;
  if (!note.empty()) message += "; " + note;
  bool changed = false;
  {
    std::lock_guard lock(logs_mu_);
    std::string& last = discovered_[socket];
    changed = last != message;
    last = message;
  }
  if (changed) path.empty() ? logger().Warning(message) : logger().Info(message);
  if (!path.empty()) FollowEventsLog(path);
}

void PodmanEngine::FollowEventsLog(const std::string& path) {
  std::lock_guard lock(logs_mu_);
  // Services sharing a log (or a reconnect) follow it once.
  for (const auto& log : logs_) {
    if (log->path() == path) return;
  }
  PodmanEventsLog::Callbacks callbacks;
  callbacks.on_event = [this](const EngineEvent& event) {
    // Inspected through whichever connected socket knows the container.
    if (HandleEvent(event, ContainerType::kPodman, "from the events log", nullptr)) {
      counters().file_events.fetch_add(1);
    }
  };
  callbacks.on_malformed = [this] { CountMalformedEvent(); };
  auto log = std::make_unique<PodmanEventsLog>(
      path, std::move(callbacks), logger(), timing().events_log_rewatch, timing().repeated_warning_interval);
  log->Start();
  logs_.push_back(std::move(log));
}

std::vector<std::string> PodmanEngine::FindRootlessSockets(const std::string& host_root) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(host_root + "/run/user"), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string uid = it->path().filename().string();
    if (uid.empty() || !std::all_of(uid.begin(), uid.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const fs::path socket = it->path() / "podman" / "podman.sock";
    std::error_code socket_ec;
    if (fs::is_socket(socket, socket_ec)) found.push_back(socket.string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

void PodmanEngine::RunRootlessScan() {
  std::set<std::string> known(sockets_.begin(), sockets_.end());
  bool first = true;
  do {
    for (const std::string& socket : FindRootlessSockets(host_root_)) {
      if (!known.insert(socket).second) continue;
      logger().Info("podman: found rootless socket " + socket);
      AddSocket(socket);  // its events log is found once it connects
    }
    if (std::exchange(first, false)) InitialSocketsKnown();
  } while (SleepUnlessStopped(timing().rootless_rescan));
}

}  // namespace libcontainer
