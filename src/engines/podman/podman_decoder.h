// Pure decoders for podman's libpod REST API JSON (/v4.0.0/libpod/...).
// The shapes libpod shares with the Docker API are read by
// engines/common/docker_api.h; DecodePodmanInspect also accepts the compat
// shape. Nothing here throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "engines/common/decode_options.h"
#include "engines/common/docker_api.h"
#include "engines/common/engine_event.h"

namespace libcontainer {

// GET /libpod/containers/{id}/json. nullopt + *error on malformed JSON, a
// non-object document or a missing Id. image = ImageName, image_id = Image,
// image_digest = ImageDigest; infra containers are pod sandboxes.
std::optional<ContainerInfo> DecodePodmanInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error,
                                                 std::string* network_container = nullptr);

// One line of GET /libpod/events. "died" → kDie, "remove" → kRemove (podman
// has no "destroy"), init/cleanup/kill/... → kOther; non-container → nullopt.
std::optional<EngineEvent> DecodePodmanEvent(std::string_view line);

// One line of podman's events log (events_logger = "file"), e.g.
// {"ID":"…","Image":"…","Name":"…","Status":"create","Time":"…Z","Type":"container","Attributes":{labels}}.
// Status maps like the stream's actions; time_nano comes from Time, so the
// same event read from the file and from the API stream compare equal.
// nullopt for non-container events and malformed lines.
std::optional<EngineEvent> DecodePodmanLogEvent(std::string_view line);

}  // namespace libcontainer
