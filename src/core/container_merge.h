// Combines two records of one container from different sources.
//
// containerd's native API and its CRI plugin both describe the same container
// (same socket, same id), and docker's `create` record lacks what `start`
// adds (the IP). Whatever order they arrive in, the richer facts must stay:
// `container.name` must never flip back to the bare id.
#pragma once

#include "core/container_info.h"

namespace libcontainer {

// `incoming` updated with what it lacks and `cached` knows.
ContainerInfo MergeContainerRecords(const ContainerInfo& cached, ContainerInfo incoming);

}  // namespace libcontainer
