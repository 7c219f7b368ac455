// Shared by the engine latency benchmarks: percentiles, the first-exec stamps written by
// first_exec_stamp, and the interface of the followers that read an engine's own create events.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace benchengines {

// Nearest-rank percentile of sorted values.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Microseconds between two nanosecond stamps of the same clock; signed (early arrivals are negative).
inline double Us(int64_t later, int64_t earlier) {
  return static_cast<double>(later - earlier) / 1000.0;
}

// The ns written by first_exec_stamp to `path` (renamed into place whole), polling up to `patience`.
inline std::optional<int64_t> WaitForStamp(const std::string& path, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    int64_t ns = 0;
    if (std::ifstream(path) >> ns) return ns;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// An engine's own create event of a container: the engine's time, and when our follower read it (both
// CLOCK_REALTIME ns). The engine's time is the reference of every create->report latency.
struct CreateEvent {
  int64_t time_nano = 0, received_ns = 0;
};

// Follows an engine's create events on a connection of its own (not the watcher's); a subclass reads
// the stream on its thread and hands each event to Record, and End when the stream is over.
class CreateFollower {
 public:
  virtual ~CreateFollower() = default;

  // The create event of `id`, waiting up to `patience`; nullopt if none came (or the stream ended).
  std::optional<CreateEvent> WaitFor(const std::string& id, std::chrono::milliseconds patience) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, patience, [&] { return created_.count(id) > 0 || ended_; });
    auto it = created_.find(id);
    return it == created_.end() ? std::nullopt : std::optional<CreateEvent>(it->second);
  }
  std::string error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 protected:
  void Record(const std::string& id, CreateEvent event) {
    std::lock_guard lock(mu_);
    created_.emplace(id, event);
    cv_.notify_all();
  }
  void End(std::string error) {
    std::lock_guard lock(mu_);
    ended_ = true;
    error_ = std::move(error);
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, CreateEvent> created_;
  bool ended_ = false;
  std::string error_;
};

}  // namespace benchengines
