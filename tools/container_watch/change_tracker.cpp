#include "change_tracker.h"

#include "core/container_merge.h"

namespace container_watch {

using libcontainer::ContainerInfo;

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kUpdated:
      return "updated";
    case ChangeKind::kRemoved:
      return "removed";
  }
  return "unknown";
}

std::optional<Change> ChangeTracker::OnContainer(const ContainerInfo& info) {
  auto it = containers_.find(info.id);
  if (it == containers_.end()) {
    containers_.emplace(info.id, info);
    return Change{ChangeKind::kAdded, info};
  }
  ContainerInfo merged = libcontainer::MergeContainerRecords(it->second, info);
  if (merged == it->second) return std::nullopt;
  it->second = merged;
  return Change{ChangeKind::kUpdated, std::move(merged)};
}

std::optional<Change> ChangeTracker::OnRemoved(const ContainerInfo& info) {
  auto it = containers_.find(info.id);
  if (it == containers_.end()) return std::nullopt;
  Change change{ChangeKind::kRemoved, std::move(it->second)};
  containers_.erase(it);
  return change;
}

bool IsEventOnlyRecord(const ContainerInfo& info) {
  return info.created_time == 0 && info.image_id.empty();
}

}  // namespace container_watch
