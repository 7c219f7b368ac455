// This machine's processes grouped by the container their cgroup names, read
// from /proc the way the plugin sees threads (the core cgroup matcher), so it
// works with no engine reachable.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/cgroup_matcher.h"
#include "core/container_info.h"

namespace container_watch {

struct Process {
  pid_t pid = 0;
  std::string comm;
  std::string cmdline;  // arguments joined by spaces; "" for kernel threads
};

struct ProcessGroup {
  // Empty for the host's processes (in no container).
  std::string id;
  std::string full_id;
  libcontainer::ContainerType type = libcontainer::ContainerType::kHost;
  // lxc, libvirt-lxc, bpm: no engine describes them, the cgroup is all there is.
  bool metadata_from_cgroup = false;
  std::vector<Process> processes;  // by pid
};

// Containers first (by id), the host's group last (present even if empty).
// `proc_dir` is "/proc", or "$HOST_ROOT/proc" when the tool runs in a
// container with the host's /proc mounted.
std::vector<ProcessGroup> ScanProcesses(const std::string& proc_dir,
                                        const libcontainer::CgroupMatcher& matcher);

}  // namespace container_watch
