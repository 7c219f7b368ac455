// Pure decoders for the Kubernetes CRI (runtime.v1) as served by containerd's
// CRI plugin and CRI-O: ContainerStatus / PodSandboxStatus responses (verbose)
// → ContainerInfo, container events → EngineEvent. No I/O; nothing throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/container_info.h"
#include "engines/common/decode_options.h"
#include "engines/common/engine_event.h"
#include "engines/common/kubernetes_metadata.h"

namespace runtime::v1 {
class ContainerStatusResponse;
class PodSandboxStatusResponse;
class ContainerEventResponse;
}  // namespace runtime::v1

namespace libcontainer {

// CNI results longer than this are cut, as the reference does.
inline constexpr size_t kMaxCniJsonLength = 4096;

// VersionResponse.runtime_name → record type: "containerd" → containerd,
// "cri-o" → cri-o, anything else → cri.
ContainerType CriContainerType(std::string_view runtime_name);

// What each container's record takes from its pod's
// PodSandboxStatus(verbose=true). Decoded once per pod: a listing meets a pod
// once per container, and reading the CNI result out of the pod's verbose
// JSON each time cost as much as decoding the container itself.
struct CriPod {
  std::string sandbox_id;
  bool host_network = false, host_pid = false, host_ipc = false;
  std::string ip;
  Labels labels;         // cut to label_max_len
  std::string cni_json;  // cut to kMaxCniJsonLength
  PodIdentity identity;  // from the pod's metadata
};

// nullopt without a status.
std::optional<CriPod> DecodeCriPod(const runtime::v1::PodSandboxStatusResponse& sandbox,
                                   const DecodeOptions& options);

// A container from ContainerStatus(verbose=true) and, when known, its pod
// (nullptr: pod fields stay empty). The verbose `info` entry is JSON; when it
// is missing or malformed the fields it feeds (privileged, env fallback,
// pid-independent extras) keep their defaults. nullopt + *error (if non-null)
// without a status or an id.
std::optional<ContainerInfo> DecodeCriContainer(const runtime::v1::ContainerStatusResponse& container,
                                                const CriPod* pod, std::string_view runtime_name,
                                                const DecodeOptions& options, std::string* error);

// The pod sandbox itself as an is_pod_sandbox record (its id, the pod name,
// the pause image, pod labels, host namespaces, ip, CNI result).
std::optional<ContainerInfo> DecodeCriSandbox(const runtime::v1::PodSandboxStatusResponse& sandbox,
                                              std::string_view runtime_name, const DecodeOptions& options,
                                              std::string* error);

// GetContainerEvents: CREATED → kCreate, STARTED → kStart, STOPPED → kDie,
// DELETED → kRemove. name from the matching container status, if any.
// nullopt for an empty container id or an unknown event type.
std::optional<EngineEvent> DecodeCriContainerEvent(const runtime::v1::ContainerEventResponse& response);

}  // namespace libcontainer
