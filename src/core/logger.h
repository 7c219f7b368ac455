// Where the plugin's and the watchers' log lines go: the host's logger inside
// Falco, stderr in the command-line tool, a capturing sink in tests.
#pragma once

#include <string_view>

#include "core/plugin_config.h"

namespace libcontainer {

class Logger {
 public:
  virtual ~Logger() = default;
  virtual bool Enabled(LogLevel level) const = 0;
  // Must be safe to call from any thread.
  virtual void Log(LogLevel level, std::string_view message) const = 0;

  void Error(std::string_view m) const { Log(LogLevel::kError, m); }
  void Warning(std::string_view m) const { Log(LogLevel::kWarning, m); }
  void Info(std::string_view m) const { Log(LogLevel::kInfo, m); }
  void Debug(std::string_view m) const { Log(LogLevel::kDebug, m); }
};

}  // namespace libcontainer
