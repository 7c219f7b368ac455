#include "core/container_info.h"

namespace libcontainer {

std::string_view ContainerTypeName(ContainerType type) {
  switch (type) {
    case ContainerType::kDocker:
      return "docker";
    case ContainerType::kLxc:
      return "lxc";
    case ContainerType::kLibvirtLxc:
      return "libvirt-lxc";
    case ContainerType::kMesos:
      return "mesos";
    case ContainerType::kRkt:
      return "rkt";
    case ContainerType::kCustom:
      return "custom";
    case ContainerType::kCri:
      return "cri";
    case ContainerType::kContainerd:
      return "containerd";
    case ContainerType::kCrio:
      return "cri-o";
    case ContainerType::kBpm:
      return "bpm";
    case ContainerType::kStatic:
      return "static";
    case ContainerType::kPodman:
      return "podman";
    case ContainerType::kHost:
      return "host";
    case ContainerType::kUnknown:
      break;
  }
  return "unknown";
}

ContainerType ContainerTypeFromWire(int64_t value) {
  if ((value >= 0 && value <= 11) || value == 65534) return static_cast<ContainerType>(value);
  return ContainerType::kUnknown;
}

ImageReference ParseImageReference(std::string_view image) {
  ImageReference ref;
  if (auto at = image.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(image.substr(at + 1));
    image = image.substr(0, at);
  }
  auto last_slash = image.rfind('/');
  auto last_colon = image.rfind(':');
  if (last_colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || last_colon > last_slash)) {
    ref.tag = std::string(image.substr(last_colon + 1));
    image = image.substr(0, last_colon);
  }
  ref.repository = std::string(image);
  return ref;
}

}  // namespace libcontainer
