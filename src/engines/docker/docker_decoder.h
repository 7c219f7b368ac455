// Pure decoders for Docker Engine API JSON: container inspect, image inspect,
// container list and event lines (the shapes podman shares are in
// engines/common/docker_api.h). No I/O; nothing here throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "engines/common/decode_options.h"
#include "engines/common/docker_api.h"
#include "engines/common/engine_event.h"

namespace libcontainer {

// GET /containers/{id}/json. Returns nullopt and sets *error (if non-null) on
// malformed JSON, a non-object document or a missing Id. When Config.Image is
// an image id rather than a name, repo/tag/digest stay empty until
// ApplyDockerImageInspect fills them.
std::optional<ContainerInfo> DecodeDockerInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error,
                                                 std::string* network_container = nullptr);

// GET /images/{id}/json: completes image_repo / image_tag / image_digest /
// image_id from RepoDigests and RepoTags, preferring the entries whose
// repository matches the container's image. Fields already set are kept.
void ApplyDockerImageInspect(std::string_view image_json, ContainerInfo* info);

// One line of GET /events (docker, and podman's compat /events). nullopt for
// non-container events, blank or malformed lines.
// create → kCreate, start → kStart, die/died → kDie, destroy/remove → kRemove.
std::optional<EngineEvent> DecodeDockerEvent(std::string_view line);

}  // namespace libcontainer
