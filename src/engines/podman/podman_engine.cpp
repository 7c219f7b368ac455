#include "engines/podman/podman_engine.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "engines/podman/podman_decoder.h"

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
  explicit PodmanDialect(const PluginConfig& config)
      : options_{config.label_max_len, config.with_size}, hooks_(config.hooks) {}

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

  std::string ListPath(std::string_view prefix) const override {
    return std::string(prefix) + "/containers/json?all=true";
  }

  std::optional<std::vector<std::string>> DecodeList(std::string_view body,
                                                     std::string* error) const override {
    return DecodePodmanContainerList(body, error);
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

  InspectStatus Inspect(EngineHttp& http, std::string_view prefix, std::string_view id, ContainerInfo* info,
                        std::string* error) const override {
    // Pod members run in the infra container's network namespace: handled by
    // the shared `container:<id>` network-mode lookup.
    return InspectContainer(http, prefix, id, options_, DecodePodmanInspect, info, error);
  }

 private:
  const DecodeOptions options_;
  const uint32_t hooks_;
};

}  // namespace

PodmanEngine::PodmanEngine(std::vector<std::string> sockets, std::vector<std::string> events_logs,
                           std::string host_root, const PluginConfig& config, const Logger& logger,
                           EngineTiming timing)
    : sockets_(std::move(sockets)),
      events_logs_(std::move(events_logs)),
      host_root_(std::move(host_root)),
      logger_(logger),
      timing_(timing),
      watcher_("podman", std::make_unique<PodmanDialect>(config), config, logger, timing) {}

PodmanEngine::~PodmanEngine() {
  Stop();
}

void PodmanEngine::Start(ContainerSink& sink) {
  if (scan_thread_.joinable()) return;
  watcher_.Start(sink, sockets_, /*more_sockets_coming=*/true);
  for (const std::string& path : events_logs_) FollowEventsLog(path);
  scan_thread_ = std::thread([this] { RunRootlessScan(); });
}

void PodmanEngine::Stop() {
  // The watcher's stop also wakes the scanner, and AddSocket refuses from now
  // on; the log threads' inspects end at once and they report nothing more.
  watcher_.Stop();
  if (scan_thread_.joinable()) scan_thread_.join();
  for (const auto& log : logs_) log->Stop();
}

void PodmanEngine::FollowEventsLog(const std::string& path) {
  auto log = std::make_unique<PodmanEventsLog>(
      path, [this](const EngineEvent& event) { watcher_.HandleFileEvent(event); }, logger_,
      timing_.events_log_rewatch);
  log->Start();
  logs_.push_back(std::move(log));
}

void PodmanEngine::RequestLookup(std::string_view id) {
  watcher_.RequestLookup(id);
}

ContainerEngine::Stats PodmanEngine::stats() const {
  return watcher_.stats();
}

bool PodmanEngine::WaitForInitialList(std::chrono::milliseconds timeout) {
  return watcher_.WaitForInitialList(timeout);
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

std::string PodmanEngine::RootlessEventsLog(const std::string& socket) {
  const std::filesystem::path user_dir = std::filesystem::path(socket).parent_path().parent_path();
  return (user_dir / "libpod" / "tmp" / "events" / "events.log").string();
}

void PodmanEngine::RunRootlessScan() {
  std::set<std::string> known(sockets_.begin(), sockets_.end());
  bool first = true;
  do {
    for (const std::string& socket : FindRootlessSockets(host_root_)) {
      if (!known.insert(socket).second) continue;
      logger_.Info("podman: found rootless socket " + socket);
      watcher_.AddSocket(socket);
      FollowEventsLog(RootlessEventsLog(socket));
    }
    if (std::exchange(first, false)) watcher_.InitialSocketsKnown();
  } while (watcher_.SleepUnlessStopped(timing_.rootless_rescan));
}

}  // namespace libcontainer
