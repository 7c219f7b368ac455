// The containers the plugin knows, as the event thread sees them.
//
// Records arrive as container events (from our engines via async events, or
// from older captures); when two sources describe one container the richer
// facts are kept (MergeContainerRecords). The store also remembers the last
// container event, so extraction on that event sees its record even when the
// event removed it, and the ids seen in cgroups that no record describes yet,
// so each is asked of the engines once.
//
// Event thread only, like the ContainerCache it wraps; its counters are read
// from the metrics reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/cgroup_matcher.h"
#include "core/container_cache.h"
#include "core/container_info.h"
#include "core/plugin_config.h"
#include "plugin/event_counter.h"

namespace libcontainer {

class ContainerStore {
 public:
  // Bounds the ids remembered as asked for: container churn must not grow it.
  static constexpr size_t kMaxUnknownIds = 4096;

  // With the static engine enabled, its container is known from the start.
  explicit ContainerStore(const StaticContainerConfig& static_container);
  ContainerStore(const ContainerStore&) = delete;
  ContainerStore& operator=(const ContainerStore&) = delete;

  const ContainerCache& cache() const { return cache_; }
  const ContainerInfo* Find(std::string_view id) const { return cache_.Find(id); }
  std::shared_ptr<const ContainerInfo> Get(std::string_view id) const { return cache_.Get(id); }
  // The static engine's container, nullptr when it is disabled.
  const ContainerInfo* static_container() const { return static_container_.get(); }

  // Container event `evtnum` reported `info` added (merged with what is known
  // of it) or removed.
  void Store(uint64_t evtnum, std::shared_ptr<const ContainerInfo> info, bool removed);
  // The record container event `evtnum` stored, if it was the last one.
  const ContainerInfo* ContainerOfEvent(uint64_t evtnum) const;

  // lxc, libvirt-lxc, bpm: the cgroup is all we will ever know, so the record
  // is made from it. Returns it, to be announced.
  std::shared_ptr<const ContainerInfo> AddFromCgroup(const CgroupMatch& match);

  // True the first time a container id without a record is seen (again true
  // once the bounded memory of asked ids has been reset).
  bool NoteUnknownId(const std::string& id);

  uint64_t containers() const { return containers_.value(); }
  uint64_t missing_images() const { return missing_images_.value(); }
  uint64_t unknown_ids() const { return unknown_ids_seen_.value(); }
  // Ids remembered as asked for, at most kMaxUnknownIds.
  uint64_t pending_unknown_ids() const { return pending_unknown_ids_.value(); }

 private:
  ContainerCache cache_;
  std::shared_ptr<const ContainerInfo> static_container_;
  uint64_t last_container_evtnum_ = 0;
  std::shared_ptr<const ContainerInfo> last_container_;
  std::unordered_set<std::string> unknown_ids_;

  EventCounter containers_;
  EventCounter missing_images_;
  EventCounter unknown_ids_seen_;
  EventCounter pending_unknown_ids_;
};

}  // namespace libcontainer
