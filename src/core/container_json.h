// The `container` async event payload: ContainerInfo <-> JSON (SPEC §4).
#pragma once

#include <string>
#include <string_view>

#include "core/container_info.h"

namespace libcontainer {

// Writes `{"container":{...}}` with every key of the reference's payload, using
// its spelling (`User`, `Mounts`, `Healthcheck`, ...). Probe keys are written
// only when the probe is present. Invalid UTF-8 is replaced, never thrown on.
std::string ContainerToJson(const ContainerInfo& record);

// Reads `{"container":{...}}` or the bare inner object (libscap's converter
// writes legacy records without the wrapper). Every key is optional, `null`
// stands for the default, and a key of an unexpected type is ignored. A
// trailing NUL (as carried by the event parameter) is tolerated. Empty
// imagerepo/imagetag/imagedigest are derived from `image` when it is set.
// Fails only on invalid JSON or a non-object root / `container` value; then
// `*out` is left untouched and `*error` (if given) says why.
bool ContainerFromJson(std::string_view text, ContainerInfo* out, std::string* error);

}  // namespace libcontainer
