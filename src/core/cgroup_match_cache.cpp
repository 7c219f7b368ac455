#include "core/cgroup_match_cache.h"

#include <algorithm>

namespace libcontainer {

CgroupMatchCache::CgroupMatchCache(const CgroupMatcher& matcher, size_t capacity)
    : matcher_(matcher), capacity_(std::max<size_t>(capacity, 1)) {
  // Sized once so that inserts never rehash (a rehash allocates).
  index_.reserve(capacity_);
}

const CgroupMatch* CgroupMatchCache::Lookup(std::string_view path) {
  if (auto it = index_.find(path); it != index_.end()) {
    ++hits_;
    entries_.splice(entries_.begin(), entries_, it->second);
    return Result(*it->second);
  }
  ++misses_;

  Index::node_type node;
  if (index_.size() >= capacity_) {
    // Recycle the least recently used entry and its index node.
    entries_.splice(entries_.begin(), entries_, std::prev(entries_.end()));
    node = index_.extract(std::string_view(entries_.front().key));
  } else {
    entries_.emplace_front();
  }

  Entry& entry = entries_.front();
  entry.key.assign(path);
  // Match the cache's copy so the views outlive the caller's buffer.
  entry.matched = matcher_.Match(entry.key, &entry.match);
  if (!entry.matched) entry.match = CgroupMatch{};

  if (node) {
    node.key() = entry.key;
    node.mapped() = entries_.begin();
    index_.insert(std::move(node));
  } else {
    index_.emplace(entry.key, entries_.begin());
  }
  return Result(entry);
}

}  // namespace libcontainer
