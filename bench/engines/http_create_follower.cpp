#include "http_create_follower.h"

#include <nlohmann/json.hpp>

#include "engines/burst_sink.h"

namespace benchengines {

using libcontainer::UnixHttpClient;
using namespace std::chrono_literals;

// A hang guard for the stream request.
constexpr auto kRequestDeadline = 30s;

HttpCreateFollower::HttpCreateFollower(const std::string& socket) : client_(socket) {
  thread_ = std::thread([this] { Run(); });
}

HttpCreateFollower::~HttpCreateFollower() {
  stop_ = true;
  thread_.join();
}

void HttpCreateFollower::Run() {
  const std::string filters = R"({"type":["container"],"event":["create"]})";
  // `since` replays what happened while the stream was still connecting.
  const int64_t since = testengines::WallNs() / 1000000000 - 1;
  std::string error;
  auto end = client_.Stream(
      "/events?since=" + std::to_string(since) + "&filters=" + UnixHttpClient::PercentEncode(filters),
      [this](std::string_view line) { OnLine(line); }, stop_,
      std::chrono::duration_cast<std::chrono::milliseconds>(kRequestDeadline), 0ms, &error);
  End(end == UnixHttpClient::StreamEnd::kStopped
          ? ""
          : std::string("event stream ended: ") + UnixHttpClient::StreamEndName(end) + " " + error);
}

void HttpCreateFollower::OnLine(std::string_view line) {
  const int64_t received = testengines::WallNs();
  const auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return;
  // Docker and podman's compat stream both carry Type/Action/id/timeNano.
  if (event.value("Type", "") != "container" || event.value("Action", "") != "create") return;
  const std::string id = event.value("id", "");
  const auto time_ns = event.find("timeNano");
  if (id.empty() || time_ns == event.end() || !time_ns->is_number()) return;
  Record(id, CreateEvent{time_ns->get<int64_t>(), received});
}

}  // namespace benchengines
