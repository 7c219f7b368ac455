#include "engines/podman/podman_decoder.h"

#include <nlohmann/json.hpp>

#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"

namespace libcontainer {
namespace {

// The accessors are this file's vocabulary.
using namespace json_access;  // NOLINT(google-build-using-namespace)

}  // namespace

std::optional<ContainerInfo> DecodePodmanInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error, std::string* network_container) {
  return engine_decode::DecodeInspect(
      text, options, ContainerType::kPodman,
      [](const Json& root, ContainerInfo* info) {
        // libpod gives the name the user asked for in ImageName; the compat shape
        // only has Config.Image.
        std::string image = String(root, "ImageName");
        if (const Json* config = ObjectMember(root, "Config"); image.empty() && config != nullptr) {
          image = String(*config, "Image");
        }
        engine_decode::SetImage(std::move(image), String(root, "Image"), info);
        // ImageDigest is the digest of the image actually used.
        if (std::string digest = String(root, "ImageDigest"); !digest.empty())
          info->image_digest = std::move(digest);

        // Some podman versions put the health check at the top level.
        if (!info->healthcheck) {
          if (const Json* health = ObjectMember(root, "Healthcheck")) {
            if (const Json* test = Member(*health, "Test"))
              info->healthcheck = engine_decode::ProbeFromHealthcheckTest(*test);
          }
        }

        info->is_pod_sandbox = Bool(root, "IsInfra") || info->name.find("k8s_POD") != std::string::npos;
      },
      error, network_container);
}

std::optional<EngineEvent> DecodePodmanEvent(std::string_view line) {
  // The libpod stream uses the docker event shape; only the action names differ,
  // and the shared mapping already knows both spellings.
  return engine_decode::EventFromLine(line);
}

std::optional<EngineEvent> DecodePodmanLogEvent(std::string_view line) {
  try {
    Json root;
    if (!ParseDocument(line, &root, nullptr)) return std::nullopt;
    if (String(root, "Type") != "container") return std::nullopt;
    EngineEvent event;
    event.id = String(root, "ID");
    if (event.id.empty()) return std::nullopt;
    event.kind = engine_decode::KindFromAction(String(root, "Status"));
    event.name = String(root, "Name");
    event.image = String(root, "Image");
    event.time_nano = engine_decode::ParseRfc3339Nanos(String(root, "Time")).value_or(0);
    if (const Json* attributes = ObjectMember(root, "Attributes")) {
      for (const auto& [key, value] : attributes->items()) {
        if (value.is_string() && !engine_decode::IsEngineAttribute(key))
          event.labels.emplace(key, value.get<std::string>());
      }
    }
    return event;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace libcontainer
