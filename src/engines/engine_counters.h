// Counters every watcher keeps for ContainerEngine::stats(), bumped from its
// session and lookup threads and read from the host's metrics thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "engines/container_engine.h"

namespace libcontainer {

struct EngineCounters {
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> inspect_errors{0};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> lookups{0};
  std::atomic<uint64_t> lookup_failures{0};
  std::atomic<uint64_t> file_events{0};
  std::atomic<uint64_t> malformed_events{0};
  std::atomic<uint64_t> removals_relisted{0};

  // Fills the counter part of `stats`; connection state is the watcher's.
  void CopyTo(ContainerEngine::Stats* stats) const {
    stats->events = events.load();
    stats->inspect_errors = inspect_errors.load();
    stats->reconnects = reconnects.load();
    stats->lookups = lookups.load();
    stats->lookup_failures = lookup_failures.load();
    stats->file_events = file_events.load();
    stats->malformed_events = malformed_events.load();
    stats->removals_relisted = removals_relisted.load();
  }
};

}  // namespace libcontainer
