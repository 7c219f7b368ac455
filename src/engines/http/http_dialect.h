// What makes an HTTP engine one engine rather than another: the paths and
// decoders of its REST API. Docker and podman each supply one; HttpSession
// does the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/container_info.h"
#include "engines/common/engine_event.h"
#include "engines/engine_session.h"
#include "engines/http/engine_http.h"

namespace libcontainer {

// Implementations are immutable after construction and called from several
// threads.
class HttpEngineDialect {
 public:
  virtual ~HttpEngineDialect() = default;
  virtual ContainerType type() const = 0;
  // From the body of GET /version: the prefix of every later path ("/v1.41",
  // "/v4.0.0/libpod") and the version to log.
  virtual bool Negotiate(std::string_view version_body, std::string* prefix, std::string* version,
                         std::string* error) const = 0;
  // Docker's and libpod's list of every container, any state.
  std::string ListPath(std::string_view prefix) const {
    return std::string(prefix) + "/containers/json?all=true";
  }
  // Events since `since_seconds` (unix time), filtered to what the hooks need.
  virtual std::string EventsPath(std::string_view prefix, int64_t since_seconds) const = 0;
  virtual std::optional<EngineEvent> DecodeEvent(std::string_view line) const = 0;
  // Inspects `id` (full or prefix) and whatever else completes the record.
  virtual InspectOutcome Inspect(EngineHttp& http, std::string_view prefix, std::string_view id,
                                 ContainerInfo* info, std::string* error) const = 0;
  // On the session's thread, each time `socket` has listed, before it counts
  // as connected and its event stream is followed (the service may have
  // changed since the last time).
  virtual void Connected(EngineHttp& /*http*/, const std::string& /*socket*/,
                         std::string_view /*prefix*/) const {}
};

}  // namespace libcontainer
