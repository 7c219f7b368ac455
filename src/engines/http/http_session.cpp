#include "engines/http/http_session.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/container_text.h"
#include "engines/common/docker_api.h"

namespace libcontainer {
namespace {

// Engine text quoted in log lines is cut to this length.
constexpr size_t kMaxQuotedBytes = 200;

// Engine text in a log line: cut short, and made safe for the host's log
// (a NUL would end the line there).
std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return CleanText(text);
  return CleanText(text.substr(0, kMaxQuotedBytes)) + "...";
}

}  // namespace

HttpSession::HttpSession(std::string socket, const HttpEngineDialect& dialect, EngineWatcher& watcher)
    : socket_(std::move(socket)),
      dialect_(dialect),
      watcher_(watcher),
      http_(socket_, cancelled_, watcher.timing().request_deadline),
      events_(socket_, cancelled_, watcher.timing().request_deadline),
      malformed_warning_(watcher.logger(), std::string(watcher.name()), "malformed events from " + socket_,
                         watcher.timing().repeated_warning_interval) {
  const size_t workers = std::max<size_t>(watcher.timing().inspect_workers, 1);
  for (size_t i = 0; i < workers; ++i) {
    worker_http_.push_back(
        std::make_unique<EngineHttp>(socket_, cancelled_, watcher.timing().request_deadline));
  }
}

std::string HttpSession::Follow(const std::function<void(std::string_view summary)>& listed) {
  EngineHttp::Result result = http_.Get("/_ping");
  if (!result.ok()) return result.error;
  watcher_.Answered(*this);
  result = http_.Get("/version");
  if (!result.ok()) return result.error;
  std::string prefix, version, error;
  if (!dialect_.Negotiate(result.body, &prefix, &version, &error)) {
    return socket_ + ": cannot negotiate the API version: " + error;
  }
  {
    std::lock_guard lock(mu_);
    prefix_ = prefix;
  }

  // Events are followed from just before the listing, so a container created
  // while listing is reported (perhaps twice) rather than missed.
  const int64_t since =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() -
      1;
  auto containers = List(http_, prefix, &error);
  if (!containers) return error;
  const size_t count = containers->size();
  InspectListed(prefix, std::move(*containers));

  // Before the socket counts as connected: whatever the dialect sets up
  // (podman's events log) is in place once it does.
  dialect_.Connected(http_, socket_, prefix);
  listed("API " + version + ", " + std::to_string(count) + " containers listed");

  const auto end = events_.Stream(
      dialect_.EventsPath(prefix, since), [&](std::string_view line) { HandleLine(prefix, line); }, &error);
  // A flood ends its count with the stream that carried it.
  malformed_warning_.Flush();
  switch (end) {
    case UnixHttpClient::StreamEnd::kStopped:
      return "";
    case UnixHttpClient::StreamEnd::kServerClosed:
      return socket_ + ": event stream ended" + (error.empty() ? "" : " (" + error + ")");
    default:
      return error;
  }
}

std::optional<std::vector<ContainerInfo>> HttpSession::List(EngineHttp& http, const std::string& prefix,
                                                            std::string* error) {
  const EngineHttp::Result result = http.Get(dialect_.ListPath(prefix));
  if (!result.ok()) {
    *error = result.error;
    return std::nullopt;
  }
  std::string decode_error;
  auto containers =
      engine_decode::ListedContainers(result.body, dialect_.type(), watcher_.decode_options(), &decode_error);
  if (!containers) *error = socket_ + ": malformed container list: " + decode_error;
  return containers;
}

void HttpSession::InspectListed(const std::string& prefix, std::vector<ContainerInfo> listed) {
  std::vector<EngineWatcher::ListedContainer> containers;
  containers.reserve(listed.size());
  for (ContainerInfo& entry : listed) {
    EngineWatcher::ListedContainer& container = containers.emplace_back();
    container.id = entry.full_id;
    container.type = entry.type;
    container.inspect = InspectOnWorker(prefix, entry.full_id);
    container.facts = std::make_unique<const ContainerInfo>(std::move(entry));
  }
  watcher_.InspectListed(std::move(containers));
}

void HttpSession::HandleLine(const std::string& prefix, std::string_view line) {
  const std::optional<EngineEvent> event = dialect_.DecodeEvent(line);
  if (!event) {
    // Non-container events decode to nothing too; only bad JSON is news.
    if (!nlohmann::json::accept(line)) {
      watcher_.CountMalformedEvent();
      malformed_warning_.Note([&] {
        return std::string(watcher_.name()) + ": skipping malformed event from " + socket_ + ": " +
               Quote(line);
      });
    }
    return;
  }
  if (event->id.empty()) return;
  watcher_.CountEvent();
  watcher_.HandleEvent(*event, dialect_.type(), "on " + socket_, InspectOnWorker(prefix, event->id));
}

EngineWatcher::InspectAttempt HttpSession::InspectOnWorker(const std::string& prefix, const std::string& id) {
  return [this, prefix, id](size_t worker, ContainerInfo* info, std::string* error) {
    const InspectOutcome outcome = dialect_.Inspect(*worker_http_[worker], prefix, id, info, error);
    if (outcome == InspectOutcome::kBadResponse) *error = Quote(*error);
    return outcome;
  };
}

InspectOutcome HttpSession::Lookup(const std::string& id, size_t worker, ContainerInfo* info,
                                   std::string* error) {
  std::string prefix;
  {
    std::lock_guard lock(mu_);
    prefix = prefix_;
  }
  return InspectOnWorker(prefix, id)(worker, info, error);
}

std::optional<std::unordered_set<std::string>> HttpSession::ListIds(std::string* error) {
  std::string prefix;
  {
    std::lock_guard lock(mu_);
    prefix = prefix_;
  }
  EngineHttp http(socket_, cancelled_, watcher_.timing().request_deadline);
  const auto containers = List(http, prefix, error);
  if (!containers) return std::nullopt;
  std::unordered_set<std::string> ids;
  for (const ContainerInfo& container : *containers) ids.insert(container.full_id);
  return ids;
}

}  // namespace libcontainer
