// A bounded memory of the engine events a watcher has handled, so that one
// event delivered by two paths (podman's events log and its API stream) is
// handled once. An event is its container id, kind and engine timestamp: a
// container started twice gives two events, the same start read twice one.
//
// Removals are also remembered by container: a copy of a container's create
// or start event that comes after its removal was handled (the API stream of
// a podman service that was down re-reads the last second after the events
// log had the whole life; a claim released when the inspect failed) is stale,
// and handling it would bring the removed container back for good, since the
// copy of its removal is then a duplicate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engines/common/engine_event.h"

namespace libcontainer {

class HandledEvents {
 public:
  explicit HandledEvents(size_t capacity) : capacity_(capacity) {}

  // True if `event` was not held yet (and, for a create or start, its
  // container's removal was not handled after it): the caller handles it. The
  // oldest entry is forgotten once `capacity` are held.
  bool Claim(const EngineEvent& event);
  // Forgets a claim whose handling failed, so that the other path may retry.
  void Release(const EngineEvent& event);
  // Entries held, at most `capacity`.
  size_t size() const;

 private:
  struct Claimed {
    std::string key;
    uint64_t number;
    bool removal;
  };
  struct Removal {
    int64_t time_nano;  // 0: unknown (a removal the watcher inferred)
    uint64_t number;    // its claim's
  };

  static std::string Key(const EngineEvent& event);
  // Whether `event` (a create or start) comes from before its container's removal.
  bool BeforeRemovalLocked(const EngineEvent& event) const;
  void ForgetOldestLocked();

  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t next_claim_ = 0;
  std::unordered_map<std::string, uint64_t> claims_;   // key -> claim number
  std::unordered_map<std::string, Removal> removals_;  // container id -> its removal
  // Claims in order, released ones included (their number no longer matches),
  // which bounds this queue, and the two maps, by `capacity` too.
  std::deque<Claimed> order_;
};

}  // namespace libcontainer
