// Decodes the container events the plugin parses into container records:
// our own async events (`container`, `container_removed`, JSON payloads) and
// the container events older captures carry (the legacy `container` event
// with its id, type, name and image parameters, and the JSON ones).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/container_info.h"
#include "core/event_codec.h"

namespace libcontainer {

bool IsContainerEventType(uint16_t type);

struct DecodedContainerEvent {
  enum class Outcome {
    kIgnored,    // not about a container (another async event, an empty payload)
    kMalformed,  // about a container, but unusable
    kContainer,
  };
  Outcome outcome = Outcome::kIgnored;
  std::shared_ptr<ContainerInfo> info;  // set for kContainer
  bool removed = false;
  // For kMalformed, what to log; empty when the event is not worth a line.
  std::string warning;
};

// `view` must be of one of the IsContainerEventType() types.
DecodedContainerEvent DecodeContainerEvent(const EventView& view);

}  // namespace libcontainer
