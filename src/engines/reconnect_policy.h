// What one engine socket's connect-list-follow loop does between attempts,
// the same for every watcher: count reconnects, back off (doubling, capped,
// reset after a connection that lasted) and log one line per outage rather
// than one per retry. Owned and used by that loop's thread only.
#pragma once

#include <chrono>
#include <string>

#include "core/logger.h"
#include "engines/engine_counters.h"
#include "engines/engine_timing.h"

namespace libcontainer {

class ReconnectPolicy {
 public:
  ReconnectPolicy(std::string engine, const Logger& logger, const EngineTiming& timing,
                  EngineCounters& counters);

  // Listed and following; `what` completes the log line
  // "<engine>: connected to <what>".
  void Connected(const std::string& what);
  // The attempt ended with `error`; returns how long to wait before the next.
  std::chrono::milliseconds Disconnected(const std::string& error);

 private:
  const std::string engine_;
  const Logger& logger_;
  const EngineTiming timing_;
  EngineCounters& counters_;
  bool failed_before_ = false;    // a later success counts as a reconnect
  bool up_ = false;               // listed and following
  bool outage_reported_ = false;  // one log line per outage
  std::chrono::steady_clock::time_point up_since_;
  std::chrono::milliseconds backoff_;
};

}  // namespace libcontainer
