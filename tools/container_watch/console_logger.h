// The watchers' log lines: on stderr, or, while a live table owns the
// terminal, kept for the table's footer (a line printed between two redraws
// would be wiped at once).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/logger.h"

namespace container_watch {

class ConsoleLogger : public libcontainer::Logger {
 public:
  explicit ConsoleLogger(libcontainer::LogLevel level) : level_(level) {}

  bool Enabled(libcontainer::LogLevel level) const override { return level >= level_; }
  void Log(libcontainer::LogLevel level, std::string_view message) const override;

  // From now on lines are kept (the last few) instead of printed.
  void KeepForFooter();
  std::vector<std::string> Kept() const;

 private:
  libcontainer::LogLevel level_;
  mutable std::mutex mutex_;
  bool keep_ = false;
  mutable std::deque<std::string> kept_;
};

// "container-watch: <line>" on stderr, whole lines only.
void Say(const std::string& line);

// Records on stdout, flushed at once so that a pipe reader sees each change
// when it happens.
void WriteOut(const std::string& text);

}  // namespace container_watch
