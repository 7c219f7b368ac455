#include "core/container_merge.h"

namespace libcontainer {
namespace {

void KeepIfMissing(std::string& incoming, const std::string& cached) {
  if (incoming.empty()) incoming = cached;
}

template <typename Container>
void KeepIfEmpty(Container& incoming, const Container& cached) {
  if (incoming.empty()) incoming = cached;
}

// A name that is only the id is what engines without names report.
bool IsPlaceholderName(const ContainerInfo& info) {
  return info.name.empty() || info.name == info.id || info.name == info.full_id;
}

// CRI-level types carry pod metadata the native containerd API lacks.
bool IsCriType(ContainerType type) {
  return type == ContainerType::kCri || type == ContainerType::kCrio;
}

}  // namespace

ContainerInfo MergeContainerRecords(const ContainerInfo& cached, ContainerInfo incoming) {
  if (IsPlaceholderName(incoming) && !IsPlaceholderName(cached)) incoming.name = cached.name;
  if (incoming.type == ContainerType::kUnknown ||
      (incoming.type == ContainerType::kContainerd && IsCriType(cached.type))) {
    incoming.type = cached.type;
  }
  KeepIfMissing(incoming.full_id, cached.full_id);
  KeepIfMissing(incoming.image, cached.image);
  KeepIfMissing(incoming.image_id, cached.image_id);
  KeepIfMissing(incoming.image_repo, cached.image_repo);
  KeepIfMissing(incoming.image_tag, cached.image_tag);
  KeepIfMissing(incoming.image_digest, cached.image_digest);
  KeepIfMissing(incoming.user, cached.user);
  KeepIfMissing(incoming.cni_json, cached.cni_json);
  KeepIfMissing(incoming.ip, cached.ip);
  KeepIfMissing(incoming.pod_sandbox_id, cached.pod_sandbox_id);
  // Labels are fixed at creation, but each source sees only some of them (the
  // CRI plugin adds the pod's, containerd's native API does not): keep the
  // union, the newer value winning on a shared key.
  incoming.labels.AddMissing(cached.labels);
  incoming.pod_sandbox_labels.AddMissing(cached.pod_sandbox_labels);
  KeepIfEmpty(incoming.mounts, cached.mounts);
  KeepIfEmpty(incoming.env, cached.env);
  KeepIfEmpty(incoming.port_mappings, cached.port_mappings);
  if (incoming.created_time == 0) incoming.created_time = cached.created_time;
  if (incoming.size < 0) incoming.size = cached.size;
  incoming.is_pod_sandbox = incoming.is_pod_sandbox || cached.is_pod_sandbox;
  if (!incoming.healthcheck) incoming.healthcheck = cached.healthcheck;
  if (!incoming.liveness_probe) incoming.liveness_probe = cached.liveness_probe;
  if (!incoming.readiness_probe) incoming.readiness_probe = cached.readiness_probe;
  return incoming;
}

}  // namespace libcontainer
