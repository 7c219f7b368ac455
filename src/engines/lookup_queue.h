// On-demand lookups of ids the plugin met before any engine reported them.
// The plugin's event thread only queues an id; one worker thread per engine
// tries it, retrying with doubling delays because a container may not be
// visible to its engine yet. Queued ids are de-duplicated and bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "core/logger.h"
#include "engines/engine_counters.h"
#include "engines/http/engine_timing.h"

namespace libcontainer {

class LookupQueue {
 public:
  // One try at `id` on the worker thread; true when it was found (and
  // reported), false to retry later.
  using Attempt = std::function<bool(const std::string& id)>;

  // Counts into counters.lookups / lookup_failures; logs as `engine`.
  LookupQueue(std::string engine, const Logger& logger, const EngineTiming& timing, EngineCounters& counters);
  ~LookupQueue();
  LookupQueue(const LookupQueue&) = delete;
  LookupQueue& operator=(const LookupQueue&) = delete;

  // Starts the worker; at most once.
  void Start(Attempt attempt);
  // Prompt once the attempt in progress returns; idempotent.
  void Stop();
  // Never blocks on an attempt. Ignored when stopping or already queued; a
  // full queue counts a failure.
  void Request(std::string_view id);

 private:
  struct Pending {
    std::string id;
    int attempts = 0;
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds delay;
  };

  void Run();

  const std::string engine_;
  const Logger& logger_;
  const EngineTiming timing_;
  EngineCounters& counters_;
  Attempt attempt_;  // set by Start, before the worker runs

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopping_ = false;
  std::deque<Pending> pending_;
  std::unordered_set<std::string> queued_;  // pending or being tried
  std::thread worker_;
};

}  // namespace libcontainer
