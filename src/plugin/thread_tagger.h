// Tags the host's threads with their container.
//
// A thread's container id comes from its cgroups, matched through a bounded
// cache (clone and execve are the hot path: a cache hit allocates nothing).
// Its category (container process, health or liveness/readiness probe, none)
// comes from ClassifyProcess, with facts read from the thread, its parent
// and, for a process exec'd into the container from outside, its ancestors.
// An id the store has no record for is asked of the engines once; lxc,
// libvirt-lxc and bpm containers are recorded from the cgroup and announced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/cgroup_match_cache.h"
#include "core/cgroup_matcher.h"
#include "core/field_extractor.h"
#include "plugin/async_emitter.h"
#include "plugin/container_store.h"
#include "plugin/engine_set.h"
#include "plugin/event_counter.h"
#include "plugin/thread_table.h"

namespace libcontainer {

class ThreadTagger {
 public:
  using Reader = ThreadTable::Reader;
  using Writer = ThreadTable::Writer;

  // Walking further up than this is a loop in a corrupt table, not a real tree.
  static constexpr int kMaxAncestorWalk = 64;

  ThreadTagger(const ThreadTable& threads, ContainerStore& store, EngineSet& engines, AsyncEmitter& emitter,
               const MatcherOptions& options, size_t cgroup_cache_size);
  ThreadTagger(const ThreadTagger&) = delete;
  ThreadTagger& operator=(const ThreadTagger&) = delete;

  // After a clone/fork/execve of `tid`: tags it and, for a new process, the
  // child (`child_tid` > 0), which the host has added by the parent's exit:
  // tagging it now does not depend on an exit event of its own that may be
  // dropped.
  void TagEventThreads(const Reader& r, const Writer& w, int64_t tid, int64_t child_tid);

  // Sets container_id and category of one thread; false if the thread's state
  // could not be read or written.
  bool Tag(const Reader& r, const Writer& w, ss_plugin_table_entry_t* entry);

  struct TagAllResult {
    uint64_t tagged = 0;
    uint64_t failed = 0;
  };
  // Capture open: every thread the host has; one failure does not stop the rest.
  TagAllResult TagAll(const Reader& r, const Writer& w);

  // The container whose init (vpid and vtid 1) thread `tid` is, if any.
  std::shared_ptr<const ContainerInfo> ContainerOfInit(const Reader& r, int64_t tid) const;

  uint64_t cgroup_cache_hits() const { return cache_hits_.value(); }
  uint64_t cgroup_cache_misses() const { return cache_misses_.value(); }

 private:
  void TagById(const Reader& r, const Writer& w, int64_t tid);
  ProcessCategory Categorize(const Reader& r, ss_plugin_table_entry_t* entry, const ContainerInfo* info);
  bool HasContainerInitAncestor(const Reader& r, int64_t ancestor_tid) const;

  const ThreadTable& threads_;
  ContainerStore& store_;
  EngineSet& engines_;
  AsyncEmitter& emitter_;
  CgroupMatcher matcher_;
  CgroupMatchCache match_cache_;
  // Scratch reused across events so that tagging does not allocate.
  std::string id_buffer_;
  std::vector<std::string> args_buffer_;
  EventCounter cache_hits_;
  EventCounter cache_misses_;
};

}  // namespace libcontainer
