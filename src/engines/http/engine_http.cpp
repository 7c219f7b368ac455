#include "engines/http/engine_http.h"

#include <utility>

namespace libcontainer {
namespace {

// An HTTP error body is only quoted in the error message; keep it short.
constexpr size_t kQuotedErrorBodyBytes = 4096;

}  // namespace

EngineHttp::EngineHttp(std::string socket_path, const std::atomic<bool>& stop,
                       std::chrono::milliseconds deadline)
    : client_(std::move(socket_path)), stop_(&stop), deadline_(deadline) {}

EngineHttp::Result EngineHttp::Get(std::string_view path, size_t max_body_bytes) {
  Result result;
  client_.set_max_body_bytes(max_body_bytes);
  std::optional<HttpResponse> response = client_.Get(path, deadline_, &result.error, stop_);
  if (!response) {
    switch (client_.last_failure()) {
      case UnixHttpClient::Failure::kStopped:
        result.outcome = Result::Outcome::kStopped;
        break;
      case UnixHttpClient::Failure::kTooLarge:
        result.outcome = Result::Outcome::kTooLarge;
        break;
      case UnixHttpClient::Failure::kNone:
      case UnixHttpClient::Failure::kTransport:
      case UnixHttpClient::Failure::kTimedOut:
        result.outcome = Result::Outcome::kUnreachable;
        break;
    }
    return result;
  }
  if (response->status < 200 || response->status >= 300) {
    result.outcome = Result::Outcome::kHttpError;
    result.status = response->status;
    result.error = client_.Describe("GET", path) + ": HTTP " + std::to_string(response->status) + ": " +
                   response->body.substr(0, kQuotedErrorBodyBytes);
    return result;
  }
  result.outcome = Result::Outcome::kOk;
  result.body = std::move(response->body);
  return result;
}

UnixHttpClient::StreamEnd EngineHttp::Stream(std::string_view path,
                                             const std::function<void(std::string_view)>& on_line,
                                             std::string* error) {
  client_.set_max_body_bytes(kMaxContainerDocumentBytes);
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
    case EngineHttp::Result::Outcome::kTooLarge:
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
      http.Get(base + UnixHttpClient::PercentEncode(id) + "/json" + (options.with_size ? "?size=true" : ""),
               kMaxContainerDocumentBytes);
  if (!result.ok()) return InspectOutcomeOf(result, error);
  std::string other;
  std::optional<ContainerInfo> decoded = decode(result.body, options, error, &other);
  if (!decoded) {
    *error = http.socket_path() + ": malformed inspect of " + std::string(id) + ": " + *error;
    return InspectOutcome::kBadResponse;
  }
  if (!other.empty()) {
    EngineHttp::Result other_result =
        http.Get(base + UnixHttpClient::PercentEncode(other) + "/json", kMaxContainerDocumentBytes);
    if (other_result.outcome == EngineHttp::Result::Outcome::kStopped) return InspectOutcome::kStopped;
    if (other_result.ok()) {
      if (auto other_info = decode(other_result.body, options, nullptr, nullptr))
        decoded->ip = other_info->ip;
    }
  }
  *info = std::move(*decoded);
  return InspectOutcome::kFound;
}

}  // namespace libcontainer
