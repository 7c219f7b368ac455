// The HTTP side of the docker and podman sessions: GETs on a unix socket that
// a stop flag interrupts, and the container inspect both engines share.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "core/plugin_config.h"
#include "engines/common/decode_options.h"
#include "engines/engine_session.h"
#include "engines/http/unix_http_client.h"

namespace libcontainer {

// The largest document about one container an engine may send us: its
// inspect (or its image's), or one line of the events stream. Engines send a
// few KiB, a few hundred with Kubernetes annotations among the labels; far
// more is an engine gone wrong (or not an engine), and is refused before it
// costs the host its memory. Lists are bounded by the client's larger default.
inline constexpr size_t kMaxContainerDocumentBytes = size_t{16} << 20;

// GET over a unix socket that a stop flag interrupts, so a hung engine never
// delays Stop() by a whole request deadline.
class EngineHttp {
 public:
  struct Result {
    // kTooLarge: the body was over the cap (a bad answer, not worth asking again).
    enum class Outcome { kOk, kHttpError, kUnreachable, kTooLarge, kStopped };
    Outcome outcome = Outcome::kUnreachable;
    long status = 0;  // NOLINT(runtime/int): for kHttpError, 0 if unknown
    std::string body;
    std::string error;  // names the request and the socket
    bool ok() const { return outcome == Outcome::kOk; }
  };

  EngineHttp(std::string socket_path, const std::atomic<bool>& stop, std::chrono::milliseconds deadline);

  // The deadline covers the whole request, from connecting to the last byte
  // of the body, which may be `max_body_bytes` long at most.
  Result Get(std::string_view path, size_t max_body_bytes = UnixHttpClient::kDefaultMaxBodyBytes);
  // Follows a long-lived GET (no idle timeout: event streams have no
  // heartbeat); its lines may be kMaxContainerDocumentBytes long at most.
  UnixHttpClient::StreamEnd Stream(std::string_view path,
                                   const std::function<void(std::string_view)>& on_line, std::string* error);

  const std::string& socket_path() const { return client_.socket_path(); }

 private:
  UnixHttpClient client_;
  const std::atomic<bool>* stop_;
  std::chrono::milliseconds deadline_;
};

// Maps a failed EngineHttp result to an InspectOutcome (404: not found),
// copying the error.
InspectOutcome InspectOutcomeOf(const EngineHttp::Result& result, std::string* error);

// The percent-encoded `filters` value of an /events request: container events
// the hooks need plus the engine's removal action ("destroy" or "remove").
std::string ContainerEventFilters(uint32_t hooks, std::string_view removal_action);

// GET <prefix>/containers/<id>/json decoded by `decode`; in `container:<id>`
// network mode (which `decode` reads into its last argument) the IP is taken
// from that other container.
using InspectDecoder = std::optional<ContainerInfo> (*)(std::string_view json, const DecodeOptions& options,
                                                        std::string* error, std::string* network_container);
InspectOutcome InspectContainer(EngineHttp& http, std::string_view prefix, std::string_view id,
                                const DecodeOptions& options, InspectDecoder decode, ContainerInfo* info,
                                std::string* error);

}  // namespace libcontainer
