// Readers of the OCI runtime spec (config.json schema), which containerd
// stores with each container and CRI runtimes return in their verbose info.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/container_info.h"

namespace libcontainer::oci_spec {

// Fills user (uid), env, mounts, cpu/memory resources, privileged (heuristic)
// and host_pid/host_network/host_ipc from a parsed spec. Host namespaces are
// only inferred when linux.namespaces is present: a namespace type missing
// from that list is shared with the host.
void Apply(const nlohmann::json& spec, ContainerInfo* info);

// The reference's heuristic, on a spec with a linux section: no masked or
// read-only paths, no SELinux label, AppArmor empty or unconfined, no seccomp,
// and no read-only sysfs/cgroup mount.
bool LooksPrivileged(const nlohmann::json& spec);

// spec.annotations[key] or "".
std::string Annotation(const nlohmann::json& spec, std::string_view key);

}  // namespace libcontainer::oci_spec
