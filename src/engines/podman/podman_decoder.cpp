#include "engines/podman/podman_decoder.h"

#include <nlohmann/json.hpp>

namespace libcontainer {
namespace {

using nlohmann::json;

std::string String(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* ObjectMember(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? &*it : nullptr;
}

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

std::optional<ContainerInfo> DecodePodmanInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error) {
  try {
    json root;
    if (!engine_decode::ParseInspectRoot(text, &root, error)) return std::nullopt;
    ContainerInfo info;
    info.type = ContainerType::kPodman;
    engine_decode::FillCommonInspect(root, options, &info);

    // libpod gives the name the user asked for in ImageName; the compat shape
    // only has Config.Image.
    info.image = String(root, "ImageName");
    if (info.image.empty()) {
      if (const json* config = ObjectMember(root, "Config")) info.image = String(*config, "Image");
    }
    info.image_id = std::string(engine_decode::StripSha256(String(root, "Image")));
    if (!info.image.empty() && !engine_decode::IsImageIdReference(info.image, info.image_id)) {
      ImageReference ref = ParseImageReference(info.image);
      info.image_repo = std::move(ref.repository);
      info.image_tag = std::move(ref.tag);
      info.image_digest = std::move(ref.digest);
    }
    // ImageDigest is the digest of the image actually used.
    if (std::string digest = String(root, "ImageDigest"); !digest.empty())
      info.image_digest = std::move(digest);

    // Some podman versions put the health check at the top level.
    if (!info.healthcheck) {
      if (const json* health = ObjectMember(root, "Healthcheck")) {
        if (auto it = health->find("Test"); it != health->end()) {
          info.healthcheck = engine_decode::ProbeFromHealthcheckTest(*it);
        }
      }
    }

    auto is_infra = root.find("IsInfra");
    info.is_pod_sandbox = (is_infra != root.end() && is_infra->is_boolean() && is_infra->get<bool>()) ||
                          info.name.find("k8s_POD") != std::string::npos;
    return info;
  } catch (const std::exception& e) {
    SetError(error, std::string("inspect decode failed: ") + e.what());
  } catch (...) {
    SetError(error, "inspect decode failed");
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> DecodePodmanContainerList(std::string_view text, std::string* error) {
  try {
    return engine_decode::IdsFromList(text, error);
  } catch (...) {
    SetError(error, "container list decode failed");
    return std::nullopt;
  }
}

std::optional<EngineEvent> DecodePodmanEvent(std::string_view line) {
  // The libpod stream uses the docker event shape; only the action names differ,
  // and the shared mapping already knows both spellings.
  return DecodeDockerEvent(line);
}

std::optional<EngineEvent> DecodePodmanLogEvent(std::string_view line) {
  try {
    json root;
    if (!engine_decode::ParseDocument(line, &root, nullptr)) return std::nullopt;
    if (String(root, "Type") != "container") return std::nullopt;
    EngineEvent event;
    event.id = String(root, "ID");
    if (event.id.empty()) return std::nullopt;
    event.kind = engine_decode::KindFromAction(String(root, "Status"));
    event.name = String(root, "Name");
    event.image = String(root, "Image");
    event.time_nano = engine_decode::ParseRfc3339Nanos(String(root, "Time")).value_or(0);
    if (const json* attributes = ObjectMember(root, "Attributes")) {
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
