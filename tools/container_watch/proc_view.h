// --proc output: each container's processes under one heading line (text),
// or one JSON object per container (JSON lines). Engine records, when an
// engine answered, name the containers; the cgroup alone gives id and type.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/container_info.h"
#include "proc_scan.h"

namespace container_watch {

using KnownContainers = std::map<std::string, libcontainer::ContainerInfo>;

std::string ProcGroupsText(const std::vector<ProcessGroup>& groups, const KnownContainers& known);

// One line per group (no trailing newline on each); the host group has
// "container": null.
std::vector<std::string> ProcGroupsJsonLines(const std::vector<ProcessGroup>& groups,
                                             const KnownContainers& known);

}  // namespace container_watch
