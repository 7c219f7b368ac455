#include "engines/repeated_warning.h"

#include <utility>

namespace libcontainer {

RepeatedWarning::RepeatedWarning(const Logger& logger, std::string engine, std::string what,
                                 std::chrono::milliseconds interval)
    : logger_(logger), engine_(std::move(engine)), what_(std::move(what)), interval_(interval) {}

void RepeatedWarning::Note(const std::function<std::string()>& describe) {
  uint64_t unlogged = 0;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    if (last_logged_ && now - *last_logged_ < interval_) {
      ++unlogged_;
      return;
    }
    last_logged_ = now;
    unlogged = std::exchange(unlogged_, 0);
  }
  std::string line = describe();
  if (unlogged > 0)
    line += " (" + std::to_string(unlogged) + " more " + what_ + " before it were not logged)";
  logger_.Warning(line);
}

void RepeatedWarning::Flush() {
  uint64_t unlogged = 0;
  {
    std::lock_guard lock(mu_);
    last_logged_.reset();
    unlogged = std::exchange(unlogged_, 0);
  }
  if (unlogged > 0) {
    logger_.Warning(engine_ + ": " + std::to_string(unlogged) + " more " + what_ + " were not logged");
  }
}

}  // namespace libcontainer
