// Text tables for a person: aligned columns, long cells shortened so a row
// fits a terminal line.
#pragma once

#include <string>
#include <vector>

#include "core/container_info.h"

namespace container_watch {

// A plain table: the first row is the header.
std::string RenderTable(const std::vector<std::vector<std::string>>& rows);

// "namespace/pod" from the kubelet's labels, "" outside Kubernetes.
std::string PodOf(const libcontainer::ContainerInfo& info);

// The container columns: ENGINE ID NAME IMAGE POD STATE.
std::vector<std::string> ContainerHeader();
std::vector<std::string> ContainerCells(const libcontainer::ContainerInfo& info, const std::string& state);

}  // namespace container_watch
