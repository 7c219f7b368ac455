// A warning that may repeat at a high rate, such as an engine sending a
// stream of garbage: the first occurrence is logged as it comes, the next
// ones at most once per interval, each line saying how many it stands for,
// and Flush() tells of those left unlogged. A flood then costs the host's log
// (Falco's, shared with its alerts) a line per interval, not a line per
// occurrence; the engine's counters still count every one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/logger.h"

namespace libcontainer {

class RepeatedWarning {
 public:
  // `what` names the occurrences in the count lines ("malformed events from
  // /run/docker.sock"), which start with `engine`.
  RepeatedWarning(const Logger& logger, std::string engine, std::string what,
                  std::chrono::milliseconds interval);

  // One occurrence; `describe` (called only if the line is logged) says what
  // happened. Thread-safe.
  void Note(const std::function<std::string()>& describe);
  // Logs how many occurrences went unlogged since the last line, if any, and
  // starts afresh: the next occurrence is logged as it comes. Thread-safe.
  void Flush();

 private:
  using Clock = std::chrono::steady_clock;

  const Logger& logger_;
  const std::string engine_;
  const std::string what_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::optional<Clock::time_point> last_logged_;  // guarded by mu_
  uint64_t unlogged_ = 0;                         // guarded by mu_
};

}  // namespace libcontainer
