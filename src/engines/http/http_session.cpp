#include "engines/http/http_session.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "engines/common/docker_api.h"

namespace libcontainer {
namespace {

// Engine text quoted in log lines is cut to this length.
constexpr size_t kMaxQuotedBytes = 200;

std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  return std::string(text.substr(0, kMaxQuotedBytes)) + "...";
}

}  // namespace

HttpSession::HttpSession(std::string socket, const HttpEngineDialect& dialect, EngineWatcher& watcher)
    : socket_(std::move(socket)),
      dialect_(dialect),
      watcher_(watcher),
      http_(socket_, cancelled_, watcher.timing().request_deadline),
      events_(socket_, cancelled_, watcher.timing().request_deadline) {
  const size_t workers = std::max<size_t>(watcher.timing().inspect_workers, 1);
  for (size_t i = 0; i < workers; ++i) {
    worker_http_.push_back(
        std::make_unique<EngineHttp>(socket_, cancelled_, watcher.timing().request_deadline));
  }
}

std::string HttpSession::Follow(const std::function<void(std::string_view summary)>& listed) {
  EngineHttp::Result result = http_.Get("/_ping");
  if (!result.ok()) return result.error;
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
  result = http_.Get(dialect_.ListPath(prefix));
  if (!result.ok()) return result.error;
  auto ids = engine_decode::IdsFromList(result.body, &error);
  if (!ids) return socket_ + ": malformed container list: " + error;
  // Inspected here rather than by the inspect workers, so that the socket
  // counts as listed (WaitForInitialList) once every container is reported.
  for (const std::string& id : *ids) {
    ContainerInfo info;
    switch (const InspectOutcome outcome = dialect_.Inspect(http_, prefix, id, &info, &error)) {
      case InspectOutcome::kFound:
        watcher_.Report(info);
        break;
      case InspectOutcome::kStopped:
        return "";
      case InspectOutcome::kUnreachable:
        return error;
      case InspectOutcome::kNotFound:
      case InspectOutcome::kBadResponse:
        watcher_.InspectFailed(id, outcome, Quote(error));
        break;
    }
  }

  // Before the socket counts as connected: whatever the dialect sets up
  // (podman's events log) is in place once it does.
  dialect_.Connected(http_, socket_, prefix);
  listed("API " + version + ", " + std::to_string(ids->size()) + " containers listed");

  const auto end = events_.Stream(
      dialect_.EventsPath(prefix, since), [&](std::string_view line) { HandleLine(prefix, line); }, &error);
  switch (end) {
    case UnixHttpClient::StreamEnd::kStopped:
      return "";
    case UnixHttpClient::StreamEnd::kServerClosed:
      return socket_ + ": event stream ended" + (error.empty() ? "" : " (" + error + ")");
    default:
      return error;
  }
}

void HttpSession::HandleLine(const std::string& prefix, std::string_view line) {
  const std::optional<EngineEvent> event = dialect_.DecodeEvent(line);
  if (!event) {
    // Non-container events decode to nothing too; only bad JSON is news.
    if (!nlohmann::json::accept(line)) {
      watcher_.logger().Warning(std::string(watcher_.name()) + ": skipping malformed event from " + socket_ +
                                ": " + Quote(line));
    }
    return;
  }
  if (event->id.empty()) return;
  watcher_.CountEvent();
  watcher_.HandleEvent(
      *event, dialect_.type(), "on " + socket_,
      [this, prefix, id = event->id](size_t worker, ContainerInfo* info, std::string* error) {
        const InspectOutcome outcome = dialect_.Inspect(*worker_http_[worker], prefix, id, info, error);
        if (outcome == InspectOutcome::kBadResponse) *error = Quote(*error);
        return outcome;
      });
}

InspectOutcome HttpSession::Lookup(const std::string& id, size_t worker, ContainerInfo* info,
                                   std::string* error) {
  std::string prefix;
  {
    std::lock_guard lock(mu_);
    prefix = prefix_;
  }
  const InspectOutcome outcome = dialect_.Inspect(*worker_http_[worker], prefix, id, info, error);
  if (outcome == InspectOutcome::kBadResponse) *error = Quote(*error);
  return outcome;
}

}  // namespace libcontainer
