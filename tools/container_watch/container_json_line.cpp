#include "container_json_line.h"

#include "core/container_json.h"

namespace container_watch {

nlohmann::json ContainerObject(const libcontainer::ContainerInfo& info) {
  // Reusing the payload codec keeps the keys identical to what Falco receives.
  nlohmann::json payload = nlohmann::json::parse(libcontainer::ContainerToJson(info));
  nlohmann::json container = std::move(payload["container"]);
  container["type"] = std::string(libcontainer::ContainerTypeName(info.type));
  return container;
}

std::string ChangeJsonLine(const Change& change) {
  // "event" first: a reader (or grep) sees what happened before the details.
  return R"({"event":")" + std::string(ChangeKindName(change.kind)) + R"(","container":)" +
         ContainerObject(change.info).dump() + "}";
}

}  // namespace container_watch
