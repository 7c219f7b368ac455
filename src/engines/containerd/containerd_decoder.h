// Pure decoders for containerd's native gRPC API: a Container record (with
// its OCI runtime spec) → ContainerInfo, and an events Envelope → a lifecycle
// event. No I/O; nothing here throws.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "engines/docker/docker_decoder.h"
#include "engines/kubernetes_metadata.h"

namespace containerd::services::containers::v1 {
class Container;
}
namespace containerd::services::events::v1 {
class Envelope;
}

namespace libcontainer {

// containers.v1.Container → ContainerInfo (type containerd). The spec Any
// holds the OCI runtime spec as JSON; a missing or malformed spec only leaves
// the spec-derived fields (user, env, mounts, resources, privileged, host
// namespaces) at their defaults: in particular NOT host namespaces. nullopt +
// *error (if non-null) when the id is empty.
// name: label io.kubernetes.container.name, else the spec annotation
// io.kubernetes.cri.container-name (io.kubernetes.pod.name / sandbox-name for
// sandboxes), else the container id. A CRI container's pod (name, namespace,
// uid) comes from the io.kubernetes.cri.sandbox-* annotations when kubelet's
// io.kubernetes.pod.* labels are missing, so its k8s.* fields do not wait for
// the CRI engine's record. image_digest is only known when the
// image reference carries `@sha256:`; image_id stays empty (both need the
// images service).
std::optional<ContainerInfo> DecodeContainerdContainer(
    const containerd::services::containers::v1::Container& c, const DecodeOptions& options,
    std::string* error);

struct ContainerdEvent {
  // kCreate: /containers/create; kStart: /tasks/start; kDie: /tasks/exit of a
  // task's init process; kRemove: /containers/delete; kOther: any other
  // /containers/* or /tasks/* topic (task create, exec, delete, oom, ...).
  EngineEvent::Kind kind = EngineEvent::Kind::kOther;
  std::string ns;  // containerd namespace, needed to look the container up
  std::string topic;
  std::string id;    // full container id
  uint32_t pid = 0;  // /tasks/create, /tasks/start, /tasks/exit
  int64_t time_nano = 0;
};

// Decodes the payload by topic (containerd's Any type_url is the bare message
// name, which Any::UnpackTo does not accept). nullopt for other topics
// (/snapshot/*, /images/*, ...), an undecodable payload or an empty id.
std::optional<ContainerdEvent> DecodeContainerdEnvelope(
    const containerd::services::events::v1::Envelope& envelope);

// OCI runtime spec (config.json schema) readers, shared with the CRI decoder
// which finds the same spec in its verbose info.
namespace oci_spec {

// Fills user (uid), env, mounts, cpu/memory resources, privileged (heuristic)
// and host_pid/host_network/host_ipc from a parsed spec. Host namespaces are
// only inferred when linux.namespaces is present: a namespace type missing
// from that list is shared with the host.
void Apply(const nlohmann::json& spec, ContainerInfo* info);

// The reference's heuristic, on a spec with a linux section: no masked or read-only paths, no SELinux label,
// AppArmor empty or unconfined, no seccomp, and no read-only sysfs/cgroup mount.
bool LooksPrivileged(const nlohmann::json& spec);

// spec.annotations[key] or "".
std::string Annotation(const nlohmann::json& spec, std::string_view key);

}  // namespace oci_spec
}  // namespace libcontainer
