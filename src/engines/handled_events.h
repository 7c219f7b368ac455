// A bounded memory of the engine events a watcher has handled, so that one
// event delivered by two paths (podman's events log and its API stream) is
// handled once. An event is its container id, kind and engine timestamp: a
// container started twice gives two events, the same start read twice one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "engines/common/engine_event.h"

namespace libcontainer {

class HandledEvents {
 public:
  explicit HandledEvents(size_t capacity) : capacity_(capacity) {}

  // True if `event` was not held yet: the caller handles it. The oldest entry
  // is forgotten once `capacity` are held.
  bool Claim(const EngineEvent& event);
  // Forgets a claim whose handling failed, so that the other path may retry.
  void Release(const EngineEvent& event);

 private:
  static std::string Key(const EngineEvent& event);

  const size_t capacity_;
  std::mutex mu_;
  uint64_t next_claim_ = 0;
  std::unordered_map<std::string, uint64_t> claims_;  // key -> claim number
  // Claims in order, released ones included (their number no longer matches),
  // which bounds this queue by `capacity` too.
  std::deque<std::pair<std::string, uint64_t>> order_;
};

}  // namespace libcontainer
