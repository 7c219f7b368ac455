#include "plugin/host_logger.h"

#include <string>

namespace libcontainer {
namespace {

ss_plugin_log_severity Severity(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return SS_PLUGIN_LOG_SEV_TRACE;
    case LogLevel::kDebug:
      return SS_PLUGIN_LOG_SEV_DEBUG;
    case LogLevel::kInfo:
      return SS_PLUGIN_LOG_SEV_INFO;
    case LogLevel::kWarning:
      return SS_PLUGIN_LOG_SEV_WARNING;
    case LogLevel::kError:
      return SS_PLUGIN_LOG_SEV_ERROR;
  }
  return SS_PLUGIN_LOG_SEV_INFO;
}

}  // namespace

void HostLogger::Log(LogLevel level, std::string_view message) const {
  if (!Enabled(level)) return;
  std::string text(message);
  log_fn_(owner_, nullptr, text.c_str(), Severity(level));
}

}  // namespace libcontainer
