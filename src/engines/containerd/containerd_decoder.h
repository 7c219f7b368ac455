// Pure decoders for containerd's native gRPC API: a Container record (with
// its OCI runtime spec) → ContainerInfo, and an events Envelope → a lifecycle
// event. No I/O; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "engines/common/decode_options.h"
#include "engines/common/engine_event.h"

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

}  // namespace libcontainer
