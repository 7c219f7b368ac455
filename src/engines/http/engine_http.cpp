#include "engines/http/engine_http.h"

#include <cstdlib>
#include <utility>

#include "engines/common/docker_api.h"

namespace libcontainer {
namespace {

// UnixHttpClient reports a non-2xx stream as "<request>: HTTP <status>: <body>".
long StatusFromStreamError(const std::string& error) {  // NOLINT(runtime/int)
  const size_t at = error.find(": HTTP ");
  if (at == std::string::npos) return 0;
  return std::strtol(error.c_str() + at + 7, nullptr, 10);
}

}  // namespace

EngineHttp::EngineHttp(std::string socket_path, const std::atomic<bool>& stop,
                       std::chrono::milliseconds deadline)
    : client_(std::move(socket_path)), stop_(&stop), deadline_(deadline) {}

EngineHttp::Result EngineHttp::Get(std::string_view path) {
  Result result;
  // JSON strings cannot hold raw newlines, so re-joining the lines gives back
  // an equivalent document.
  auto on_line = [&result](std::string_view line) {
    if (!result.body.empty()) result.body += '\n';
    result.body.append(line);
  };
  const auto end = client_.Stream(path, on_line, *stop_, deadline_, deadline_, &result.error);
  switch (end) {
    case UnixHttpClient::StreamEnd::kServerClosed:
      // An error here means the body was cut short.
      result.outcome = result.error.empty() ? Result::Outcome::kOk : Result::Outcome::kUnreachable;
      break;
    case UnixHttpClient::StreamEnd::kStopped:
      result.outcome = Result::Outcome::kStopped;
      break;
    case UnixHttpClient::StreamEnd::kHttpError:
      result.outcome = Result::Outcome::kHttpError;
      result.status = StatusFromStreamError(result.error);
      break;
    case UnixHttpClient::StreamEnd::kError:
    case UnixHttpClient::StreamEnd::kIdleTimeout:
      result.outcome = Result::Outcome::kUnreachable;
      break;
  }
  if (!result.ok()) result.body.clear();
  return result;
}

UnixHttpClient::StreamEnd EngineHttp::Stream(std::string_view path,
                                             const std::function<void(std::string_view)>& on_line,
                                             std::string* error) {
  return client_.Stream(path, on_line, *stop_, deadline_, std::chrono::milliseconds{0}, error);
}

InspectOutcome InspectOutcomeOf(const EngineHttp::Result& result, std::string* error) {
  if (error) *error = result.error;
  switch (result.outcome) {
    case EngineHttp::Result::Outcome::kOk:
      return InspectOutcome::kFound;
    case EngineHttp::Result::Outcome::kHttpError:
      // Podman answers 500 "no such container" for a container removed while
      // it was being inspected (seen under churn): gone, like a 404.
      if (result.status == 404 ||
          (result.status == 500 && result.error.find("no such container") != std::string::npos)) {
        return InspectOutcome::kNotFound;
      }
      return InspectOutcome::kBadResponse;
    case EngineHttp::Result::Outcome::kUnreachable:
      return InspectOutcome::kUnreachable;
    case EngineHttp::Result::Outcome::kStopped:
      break;
  }
  return InspectOutcome::kStopped;
}

std::string ContainerEventFilters(uint32_t hooks, std::string_view removal_action) {
  std::string actions;
  if (hooks & kHookCreate) actions += R"("create",)";
  if (hooks & kHookStart) actions += R"("start",)";
  actions += "\"" + std::string(removal_action) + "\"";
  return UnixHttpClient::PercentEncode(R"({"type":["container"],"event":[)" + actions + "]}");
}

InspectOutcome InspectContainer(EngineHttp& http, std::string_view prefix, std::string_view id,
                                const DecodeOptions& options, InspectDecoder decode, ContainerInfo* info,
                                std::string* error) {
  const std::string base = std::string(prefix) + "/containers/";
  EngineHttp::Result result =
      http.Get(base + UnixHttpClient::PercentEncode(id) + "/json" + (options.with_size ? "?size=true" : ""));
  if (!result.ok()) return InspectOutcomeOf(result, error);
  std::optional<ContainerInfo> decoded = decode(result.body, options, error);
  if (!decoded) {
    *error = http.socket_path() + ": malformed inspect of " + std::string(id) + ": " + *error;
    return InspectOutcome::kBadResponse;
  }
  if (const auto other = DockerNetworkModeContainer(result.body)) {
    EngineHttp::Result other_result = http.Get(base + UnixHttpClient::PercentEncode(*other) + "/json");
    if (other_result.outcome == EngineHttp::Result::Outcome::kStopped) return InspectOutcome::kStopped;
    if (other_result.ok()) {
      if (auto other_info = decode(other_result.body, options, nullptr)) decoded->ip = other_info->ip;
    }
  }
  *info = std::move(*decoded);
  return InspectOutcome::kFound;
}

}  // namespace libcontainer
