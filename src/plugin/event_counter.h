// A counter that only the event thread writes and the metrics reader reads.
//
// With a single writer a relaxed load and store is enough, and unlike
// fetch_add it is a plain move: these counters are bumped on the hot path.
#pragma once

#include <atomic>
#include <cstdint>

namespace libcontainer {

class EventCounter {
 public:
  void Add(uint64_t by = 1) { Set(value() + by); }
  void Set(uint64_t value) { value_.store(value, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace libcontainer
