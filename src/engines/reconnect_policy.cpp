#include "engines/reconnect_policy.h"

#include <algorithm>
#include <utility>

namespace libcontainer {

ReconnectPolicy::ReconnectPolicy(std::string engine, const Logger& logger, const EngineTiming& timing,
                                 EngineCounters& counters)
    : engine_(std::move(engine)),
      logger_(logger),
      timing_(timing),
      counters_(counters),
      backoff_(timing.backoff_initial) {}

void ReconnectPolicy::Connected(const std::string& what) {
  if (failed_before_) counters_.reconnects.fetch_add(1);
  up_ = true;
  outage_reported_ = false;
  up_since_ = std::chrono::steady_clock::now();
  logger_.Info(engine_ + ": connected to " + what);
}

std::chrono::milliseconds ReconnectPolicy::Disconnected(const std::string& error) {
  const bool was_up = std::exchange(up_, false);
  failed_before_ = true;
  // A connection that lasted is a fresh outage: retry quickly. One that
  // flaps keeps backing off.
  if (was_up && std::chrono::steady_clock::now() - up_since_ >= timing_.backoff_max) {
    backoff_ = timing_.backoff_initial;
  }
  if (!outage_reported_) {
    outage_reported_ = true;
    if (was_up) {
      logger_.Warning(engine_ + ": connection lost: " + error + "; reconnecting");
    } else {
      // Most hosts lack some of the default sockets: not worth a warning.
      logger_.Info(engine_ + ": " + error + "; retrying in the background");
    }
  } else if (logger_.Enabled(LogLevel::kDebug)) {
    logger_.Debug(engine_ + ": still unreachable: " + error);
  }
  const std::chrono::milliseconds wait = backoff_;
  backoff_ = std::min(backoff_ * 2, timing_.backoff_max);
  return wait;
}

}  // namespace libcontainer
