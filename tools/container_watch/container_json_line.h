// JSON lines for scripts: one object per line, every line self-describing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "change_tracker.h"
#include "core/container_info.h"

namespace container_watch {

// The plugin's own payload object (the `container` async event), with `type`
// as the engine's name ("docker") instead of the wire number.
nlohmann::json ContainerObject(const libcontainer::ContainerInfo& info);

// {"event":"added"|"updated"|"removed","container":{...}}, no newline.
std::string ChangeJsonLine(const Change& change);

}  // namespace container_watch
