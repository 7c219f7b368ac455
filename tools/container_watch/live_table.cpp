#include "live_table.h"

#include "table.h"

namespace container_watch {
namespace {

// Enough to notice a removal without the table growing for ever.
constexpr size_t kRemovedRows = 5;

}  // namespace

std::string StateOf(const libcontainer::ContainerInfo& info) {
  // "pending": the engine's event named it, its inspect is still on the way.
  return IsEventOnlyRecord(info) ? "pending" : "complete";
}

std::string ContainerTable(const std::map<std::string, libcontainer::ContainerInfo>& containers,
                           const std::deque<libcontainer::ContainerInfo>& removed) {
  if (containers.empty() && removed.empty()) return "(no containers)\n";
  std::vector<std::vector<std::string>> rows{ContainerHeader()};
  for (const auto& [id, info] : containers) rows.push_back(ContainerCells(info, StateOf(info)));
  for (const auto& info : removed) {
    if (!containers.contains(info.id)) rows.push_back(ContainerCells(info, "removed"));
  }
  return RenderTable(rows);
}

void LiveTable::OnChange(const Change& change) {
  {
    std::lock_guard lock(mutex_);
    if (change.kind == ChangeKind::kRemoved) {
      removed_.push_back(change.info);
      if (removed_.size() > kRemovedRows) removed_.pop_front();
    }
  }
  dirty_ = true;
}

std::deque<libcontainer::ContainerInfo> LiveTable::Removed() const {
  std::lock_guard lock(mutex_);
  return removed_;
}

}  // namespace container_watch
