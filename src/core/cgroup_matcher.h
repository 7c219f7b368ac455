// cgroup path -> container id, for every engine layout we know of.
//
// The matcher walks the path's segments from the leaf towards the root and
// stops at the deepest segment that names a container, so processes in a
// container's own sub-cgroups (`.../libpod-<id>.scope/container`,
// `/docker/<id>/init.scope`) belong to it, and nested containers report the
// innermost one. It runs on every clone/execve: no regex, no allocation.
#pragma once

#include <string_view>

#include "core/container_info.h"

namespace libcontainer {

struct MatcherOptions {
  bool lxc = true;
  bool libvirt_lxc = true;
  bool bpm = true;
};

struct CgroupMatch {
  // Id to report: the first 12 chars of a 64-hex runc id, the first <= 12
  // chars of a containerd (ctr) id, the name as found for lxc/libvirt/bpm.
  std::string_view id;
  // The id as found in the path.
  std::string_view full_id;
  // Engine implied by the layout; kUnknown when several engines use it
  // (e.g. `/kubepods/.../pod<uid>/<64hex>` or `--cgroup-parent=/x/<64hex>`).
  ContainerType type = ContainerType::kUnknown;
  // True for lxc, libvirt-lxc and bpm: no engine describes them.
  bool metadata_from_cgroup = false;
};

class CgroupMatcher {
 public:
  explicit CgroupMatcher(MatcherOptions options = {});

  // True if `path` is a container's cgroup; views in `out` point into `path`.
  // `out` is left untouched when there is no match.
  bool Match(std::string_view path, CgroupMatch* out) const;

  const MatcherOptions& options() const { return options_; }

 private:
  MatcherOptions options_;
};

}  // namespace libcontainer
