// Pure decoders for Docker Engine API JSON (also podman's docker-compatible
// endpoints): container inspect, image inspect, container list and event
// lines. No I/O; nothing here throws.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/container_info.h"

namespace libcontainer {

struct DecodeOptions {
  uint32_t label_max_len = 100;  // label values longer than this are dropped
  bool with_size = false;        // report SizeRw (the inspect must have asked ?size=1)
};

struct EngineEvent {
  enum class Kind { kCreate, kStart, kRemove, kDie, kOther };
  Kind kind = Kind::kOther;
  std::string id;  // full container id
  std::string name;
  std::string image;
  // Actor attributes that are container labels (engines mix them with their own keys).
  std::map<std::string, std::string> labels;
  int64_t time_nano = 0;
};

// GET /containers/{id}/json. Returns nullopt and sets *error (if non-null) on
// malformed JSON, a non-object document or a missing Id. When Config.Image is
// an image id rather than a name, repo/tag/digest stay empty until
// ApplyDockerImageInspect fills them.
std::optional<ContainerInfo> DecodeDockerInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error);

// For HostConfig.NetworkMode `container:<id>` the container shares another
// container's network namespace (and IP): returns that id so the caller can
// inspect it and copy its `ip`. Works on docker and libpod inspect documents.
std::optional<std::string> DockerNetworkModeContainer(std::string_view inspect_json);

// GET /images/{id}/json: completes image_repo / image_tag / image_digest /
// image_id from RepoDigests and RepoTags, preferring the entries whose
// repository matches the container's image. Fields already set are kept.
void ApplyDockerImageInspect(std::string_view image_json, ContainerInfo* info);

// GET /containers/json?all=true: full ids of every listed container. `null`
// is an empty list.
std::optional<std::vector<std::string>> DecodeDockerContainerList(std::string_view json, std::string* error);

// One line of GET /events (docker, and podman's compat /events). nullopt for
// non-container events, blank or malformed lines.
// create → kCreate, start → kStart, die/died → kDie, destroy/remove → kRemove.
std::optional<EngineEvent> DecodeDockerEvent(std::string_view line);

// Building blocks shared with the podman decoder; exposed for tests.
namespace engine_decode {

// RFC 3339 (`2026-11-23T19:08:42.778232282Z`, `...+02:00`) → seconds since
// the epoch; fractional seconds are truncated.
std::optional<int64_t> ParseRfc3339Seconds(std::string_view text);
// The same in nanoseconds (the precision of an event's timeNano); nullopt
// outside 1970..2262.
std::optional<int64_t> ParseRfc3339Nanos(std::string_view text);

// Event action or podman status → kind (create, start, die/died, destroy/remove).
EngineEvent::Kind KindFromAction(std::string_view action);
// Keys engines add to an event's attributes next to the container labels.
bool IsEngineAttribute(std::string_view key);

// Number of CPUs in a cpuset list (`0-3,5` → 5). Malformed parts count 0.
int64_t CountCpusetCpus(std::string_view cpuset);

// Dotted IPv4 → the big-endian address read as an integer (10.0.0.1 →
// 0x0A000001), the encoding the reference writes to `HostIp`. nullopt for
// anything that is not a strict dotted quad (IPv6 included).
std::optional<uint32_t> ParseIpv4(std::string_view text);

// True when a container's image reference is an image id (`sha256:…` or a
// bare hex prefix of image_id), which carries no repository or tag.
bool IsImageIdReference(std::string_view image, std::string_view image_id);

// Strips a leading `sha256:`.
std::string_view StripSha256(std::string_view id);

// Parses a whole document; false + *error on malformed or absurdly nested input.
bool ParseDocument(std::string_view text, nlohmann::json* out, std::string* error);

// ParseDocument for an inspect response, which must be an object with an Id
// (what FillCommonInspect needs).
bool ParseInspectRoot(std::string_view text, nlohmann::json* root, std::string* error);

// Health check `Test` array → command: ["CMD", exe, args...] and
// ["CMD-SHELL", cmd] (→ /bin/sh -c cmd); ["NONE"], empty, or anything else → nullopt.
std::optional<ProbeCommand> ProbeFromHealthcheckTest(const nlohmann::json& test);

// Fills everything docker inspect and libpod inspect share (ids, name,
// created, Config, HostConfig, Mounts, network, ports, size, sandbox label).
// `root` must be an object with a string Id.
void FillCommonInspect(const nlohmann::json& root, const DecodeOptions& options, ContainerInfo* info);

// Decodes a parsed event object (docker shape, which libpod also uses).
std::optional<EngineEvent> EventFromJson(const nlohmann::json& root);

// Ids from a list response (docker or libpod).
std::optional<std::vector<std::string>> IdsFromList(std::string_view text, std::string* error);

}  // namespace engine_decode
}  // namespace libcontainer
