#include "plugin/container_events.h"

#include <string_view>
#include <utility>

#include "core/container_json.h"
#include "core/container_text.h"
#include "plugin/async_emitter.h"

namespace libcontainer {
namespace {

using Outcome = DecodedContainerEvent::Outcome;

DecodedContainerEvent Malformed(std::string warning = {}) {
  DecodedContainerEvent event;
  event.outcome = Outcome::kMalformed;
  event.warning = std::move(warning);
  return event;
}

DecodedContainerEvent FromJson(std::string_view json, bool removed) {
  auto info = std::make_shared<ContainerInfo>();
  std::string error;
  if (!ContainerFromJson(json, info.get(), &error))
    return Malformed("skipping malformed container event: " + error);
  if (info->id.empty() && !info->full_id.empty()) info->id = std::string(ShortId(info->full_id));
  if (info->id.empty()) return Malformed("skipping container event without an id");
  DecodedContainerEvent event;
  event.outcome = Outcome::kContainer;
  event.info = std::move(info);
  event.removed = removed;
  return event;
}

DecodedContainerEvent FromAsyncEvent(const EventView& view) {
  auto name = view.ParamString(1);
  auto data = view.ParamString(2);
  if (!name || !data) return Malformed();
  if (*name == kContainerEventName) return FromJson(*data, false);
  if (*name == kContainerRemovedEventName) return FromJson(*data, true);
  return {};
}

DecodedContainerEvent FromLegacyEvent(const EventView& view) {
  auto id = view.ParamString(0);
  auto type = view.ParamUint32(1);
  auto name = view.ParamString(2);
  auto image = view.ParamString(3);
  if (!id || id->empty()) return Malformed();
  auto info = std::make_shared<ContainerInfo>();
  info->full_id = std::string(*id);
  info->id = std::string(ShortId(*id));
  info->type = ContainerTypeFromWire(type.value_or(static_cast<uint32_t>(ContainerType::kUnknown)));
  info->name = std::string(name.value_or(""));
  info->image = std::string(image.value_or(""));
  auto ref = ParseImageReference(info->image);
  info->image_repo = ref.repository;
  info->image_tag = ref.tag;
  info->image_digest = ref.digest;
  // A capture may carry anything between the parameters' NULs.
  CleanContainerText(info.get());
  DecodedContainerEvent event;
  event.outcome = Outcome::kContainer;
  event.info = std::move(info);
  return event;
}

}  // namespace

bool IsContainerEventType(uint16_t type) {
  using namespace event_type;
  return type == kAsyncEvent || type == kContainer || type == kContainerJson || type == kContainerJson2;
}

DecodedContainerEvent DecodeContainerEvent(const EventView& view) {
  switch (view.type()) {
    case event_type::kAsyncEvent:
      return FromAsyncEvent(view);
    case event_type::kContainer:
      return FromLegacyEvent(view);
    case event_type::kContainerJson:
    case event_type::kContainerJson2: {
      auto json = view.ParamString(0);
      if (!json || json->empty()) return {};
      return FromJson(*json, false);
    }
    default:
      return {};
  }
}

}  // namespace libcontainer
