// Container inspections, run off the threads that read the engines' event
// streams. An engine may hold an inspect back until the container has started
// (dockerd does), so inspecting on the stream thread made every later event
// wait behind it; here a small pool of workers per engine runs them instead.
// Shared by the HTTP and the gRPC watchers, for event inspects and on-demand
// lookups alike:
// - an id has at most one entry, pending or in flight: a request for an id
//   already there merges into it, so it is inspected once, and never by two
//   workers at the same time;
// - a removal drops the id's pending inspect and the result of the one in
//   flight, and is reported after any result reported before it: a late
//   inspect never brings a removed container back;
// - lookups retry with doubling delays, because the parser may meet a
//   container before its engine shows it; event inspects retry the same way,
//   fewer times, when their attempt asks to (an engine that did not answer);
// - entries are bounded, requests never block, and Stop() joins the workers as
//   soon as the attempts in progress return (the watchers make them return:
//   a stop flag for HTTP transfers, the call canceller for gRPC).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/container_info.h"
#include "core/logger.h"
#include "engines/container_engine.h"
#include "engines/engine_counters.h"
#include "engines/engine_timing.h"

namespace libcontainer {

class InspectPipeline {
 public:
  struct Result {
    std::optional<ContainerInfo> info;  // reported unless the container was removed meanwhile
    bool retry = false;                 // not there (yet): try again while attempts remain
  };
  // One try at `id` on worker `worker`, in [0, max(timing.inspect_workers,
  // 1)), which lets a caller keep a connection per worker. Called without
  // any lock held.
  using Attempt = std::function<Result(const std::string& id, size_t worker)>;

  // timing.inspect_workers threads; counts into `counters`; logs as `engine`.
  InspectPipeline(std::string engine, const Logger& logger, const EngineTiming& timing,
                  EngineCounters& counters);
  ~InspectPipeline();
  InspectPipeline(const InspectPipeline&) = delete;
  InspectPipeline& operator=(const InspectPipeline&) = delete;

  // Starts the workers, which report to `sink`; at most once. `lookup` is the
  // attempt of every Lookup().
  void Start(ContainerSink& sink, Attempt lookup);
  // Prompt once the attempts in progress return; idempotent.
  void Stop();

  // Queues an attempt at `id` (from an engine event), tried up to
  // timing.event_inspect_attempts times while it asks to. False when stopping or
  // when timing.inspect_queue_capacity ids are queued (counted as an inspect
  // error and logged).
  bool Inspect(std::string_view id, Attempt attempt);
  // Queues an on-demand lookup of `id` (full or prefix), tried up to
  // timing.lookup_attempts times. Counts lookups; a full queue
  // (timing.lookup_queue_capacity lookups) or giving up counts a failure.
  void Lookup(std::string_view id);
  // Reports `removed` to the sink, and drops whatever is queued or in flight
  // for its id (or a prefix of it).
  void Removed(const ContainerInfo& removed);
  // Ids queued or in flight, lookups included.
  size_t queued() const;

 private:
  struct Entry {
    Attempt attempt;
    int attempts_left = 1;
    bool lookup = false;     // counted in lookups_ and, if it fails, as a lookup failure
    bool in_flight = false;  // a worker is trying it
    bool removed = false;    // in flight when the container was removed: drop the result
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds delay{0};  // before the next retry
  };
  using Entries = std::unordered_map<std::string, Entry>;

  // Adds or merges an entry; false if refused (stopping or full).
  bool EnqueueLocked(std::string_view id, Attempt attempt, bool lookup);
  // The pending entry due first, or end().
  Entries::iterator NextLocked();
  void Run(size_t worker);
  // Records the attempt's outcome and reports its record, unless removed.
  void Finish(const std::string& id, Result result);

  const std::string engine_;
  const Logger& logger_;
  const EngineTiming timing_;
  EngineCounters& counters_;
  ContainerSink* sink_ = nullptr;  // set by Start, before the workers run
  Attempt lookup_;                 // set by Start, before the workers run

  // Held around every report to the sink, so that a removal and a result of
  // the same container reach it in the order they were decided. Taken before
  // mu_.
  std::mutex report_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopping_ = false;
  Entries entries_;     // pending or in flight, by id
  size_t lookups_ = 0;  // entries that are lookups
  std::vector<std::thread> workers_;
};

}  // namespace libcontainer
