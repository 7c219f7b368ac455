// The table a person watches: every known container, plus the last few that
// went away (marked removed) so a removal is seen, not just a row vanishing.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "change_tracker.h"

namespace container_watch {

// What the tool knows of a container, for the STATE column.
std::string StateOf(const libcontainer::ContainerInfo& info);

// The container table for `containers` (and `removed`, last), or a line
// saying there is none.
std::string ContainerTable(const std::map<std::string, libcontainer::ContainerInfo>& containers,
                           const std::deque<libcontainer::ContainerInfo>& removed = {});

class LiveTable {
 public:
  // From the sink's callback (watcher threads).
  void OnChange(const Change& change);
  // True once per batch of changes since the last call.
  bool TakeDirty() { return dirty_.exchange(false); }
  void MarkDirty() { dirty_ = true; }
  std::deque<libcontainer::ContainerInfo> Removed() const;

 private:
  std::atomic<bool> dirty_{false};
  mutable std::mutex mutex_;
  std::deque<libcontainer::ContainerInfo> removed_;
};

}  // namespace container_watch
