// A bounded LRU in front of CgroupMatcher, keyed by the cgroup path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/cgroup_matcher.h"

namespace libcontainer {

// Not thread-safe: one cache per thread of the event loop.
class CgroupMatchCache {
 public:
  // `capacity` is raised to 1: the returned pointer needs an entry to live in.
  CgroupMatchCache(const CgroupMatcher& matcher, size_t capacity);

  CgroupMatchCache(const CgroupMatchCache&) = delete;
  CgroupMatchCache& operator=(const CgroupMatchCache&) = delete;

  // Matches `path` through the cache (negative results are cached too).
  // Returns nullptr for a host (non-container) path. The returned views point
  // into the cache's own copy of the key and stay valid until the next Lookup.
  // A hit allocates nothing; once the cache is full a miss reuses the evicted
  // entry's storage, so it allocates only for a path longer than any before.
  const CgroupMatch* Lookup(std::string_view path);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    CgroupMatch match;  // views into `key`
    bool matched = false;
  };
  using EntryList = std::list<Entry>;
  // Keys are views of Entry::key: list nodes never move, so they stay valid.
  using Index = std::unordered_map<std::string_view, EntryList::iterator>;

  const CgroupMatch* Result(const Entry& entry) const { return entry.matched ? &entry.match : nullptr; }

  const CgroupMatcher& matcher_;
  size_t capacity_;
  EntryList entries_;  // most recently used first
  Index index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace libcontainer
