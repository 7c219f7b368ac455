// Logs through the host's logger (Falco routes them with its own output).
#pragma once

#include <string_view>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "plugin/plugin_api.h"

namespace libcontainer {

class HostLogger : public Logger {
 public:
  HostLogger() = default;
  HostLogger(ss_plugin_owner_t* owner, ss_plugin_log_fn_t log_fn, LogLevel level)
      : owner_(owner), log_fn_(log_fn), level_(level) {}

  bool Enabled(LogLevel level) const override { return log_fn_ != nullptr && level >= level_; }
  // Safe from any thread: the host's logger is.
  void Log(LogLevel level, std::string_view message) const override;

 private:
  ss_plugin_owner_t* owner_ = nullptr;
  ss_plugin_log_fn_t log_fn_ = nullptr;
  LogLevel level_ = LogLevel::kWarning;
};

}  // namespace libcontainer
