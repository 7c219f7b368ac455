#include "console_logger.h"

#include <cstdio>

namespace container_watch {
namespace {

constexpr size_t kFooterLines = 5;

}  // namespace

void ConsoleLogger::Log(libcontainer::LogLevel level, std::string_view message) const {
  if (!Enabled(level)) return;
  const std::string line = "[" + std::string(libcontainer::LogLevelName(level)) + "] " + std::string(message);
  std::lock_guard lock(mutex_);
  if (keep_) {
    kept_.push_back(line);
    if (kept_.size() > kFooterLines) kept_.pop_front();
    return;
  }
  Say(line);
}

void ConsoleLogger::KeepForFooter() {
  std::lock_guard lock(mutex_);
  keep_ = true;
}

std::vector<std::string> ConsoleLogger::Kept() const {
  std::lock_guard lock(mutex_);
  return {kept_.begin(), kept_.end()};
}

void Say(const std::string& line) {
  // One write per line so that lines from several threads never interleave.
  const std::string text = "container-watch: " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void WriteOut(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace container_watch
