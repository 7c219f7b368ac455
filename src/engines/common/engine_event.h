// A container lifecycle event as every engine's decoder reports it (docker
// and podman JSON lines, podman's events log, containerd envelopes, CRI
// container events), so the watcher applies one policy to all of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/labels.h"

namespace libcontainer {

struct EngineEvent {
  enum class Kind { kCreate, kStart, kRemove, kDie, kOther };
  Kind kind = Kind::kOther;
  std::string id;  // full container id
  // What the event itself says of the container; empty when the engine's
  // events carry no metadata (containerd, CRI).
  std::string name;
  std::string image;
  // Actor attributes that are container labels (engines mix them with their own keys).
  Labels labels;
  int64_t time_nano = 0;
};

const char* EventKindName(EngineEvent::Kind kind);

namespace engine_decode {

// Event action or podman status → kind (create, start, die/died, destroy/remove).
EngineEvent::Kind KindFromAction(std::string_view action);
// Keys engines add to an event's attributes next to the container labels.
bool IsEngineAttribute(std::string_view key);

}  // namespace engine_decode
}  // namespace libcontainer
