// The Docker Engine API's JSON shapes, which docker speaks and podman speaks
// too (its compat endpoints, and libpod's inspect, list and event documents
// are supersets of them): what the two decoders share. No I/O; nothing here
// throws.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/container_info.h"
#include "engines/common/decode_options.h"
#include "engines/common/engine_event.h"

namespace libcontainer {

namespace engine_decode {

// Parses an inspect response, which must be an object with an Id (what
// FillCommonInspect needs).
bool ParseInspectRoot(std::string_view text, nlohmann::json* root, std::string* error);

// An inspect response of `type`: ParseInspectRoot, FillCommonInspect, then
// `engine_fields` for what only that engine's document says. nullopt +
// *error (if non-null) on any failure; never throws. `network_container`
// (if non-null) gets, for HostConfig.NetworkMode `container:<id>`, that id:
// the container shares that one's network namespace (and IP), so the caller
// inspects it and copies its `ip`; "" for any other mode. Docker and libpod
// documents alike, read from the one parse.
using EngineInspectFields = std::function<void(const nlohmann::json& root, ContainerInfo* info)>;
std::optional<ContainerInfo> DecodeInspect(std::string_view text, const DecodeOptions& options,
                                           ContainerType type, const EngineInspectFields& engine_fields,
                                           std::string* error, std::string* network_container = nullptr);

// Health check `Test` array → command: ["CMD", exe, args...] and
// ["CMD-SHELL", cmd] (→ /bin/sh -c cmd); ["NONE"], empty, or anything else → nullopt.
std::optional<ProbeCommand> ProbeFromHealthcheckTest(const nlohmann::json& test);

// Fills everything docker inspect and libpod inspect share (ids, name,
// created, Config, HostConfig, Mounts, network, ports, size, sandbox label).
// `root` must be an object with a string Id.
void FillCommonInspect(const nlohmann::json& root, const DecodeOptions& options, ContainerInfo* info);

// Sets image to `image`, image_id to `image_id` without `sha256:` and,
// unless `image` names the image by id, repo/tag/digest parsed from it.
void SetImage(std::string image, std::string_view image_id, ContainerInfo* info);

// Decodes a parsed event object (docker shape, which libpod also uses).
std::optional<EngineEvent> EventFromJson(const nlohmann::json& root);

// One line of an /events stream: nullopt for non-container events, blank or
// malformed lines.
std::optional<EngineEvent> EventFromLine(std::string_view line);

// A list response (docker or libpod; `null` is an empty list): one record of
// `type` per container with what the list says of it (ids, name, image,
// labels, creation time, mounts), which stands in for the inspect when that
// fails. Entries without an Id are skipped.
std::optional<std::vector<ContainerInfo>> ListedContainers(std::string_view text, ContainerType type,
                                                           const DecodeOptions& options, std::string* error);

}  // namespace engine_decode
}  // namespace libcontainer
