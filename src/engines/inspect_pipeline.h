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
//   a stop flag for HTTP transfers, the call canceller for gRPC);
// - the containers a session listed wait in a lane of their own, behind event
//   inspects and lookups: a listing of thousands is inspected by every worker
//   in parallel, while the session reads its events, and a container created
//   meanwhile is not queued behind them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
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
  // Queues attempts at the containers a session listed (full ids), each tried
  // like an event's inspect, in the listing lane: a worker takes the next one
  // only when no other attempt is due. An id already queued merges, as in
  // Inspect(). `done` is called, at most once and without a lock held, when
  // every one has ended (reported, given up, or removed); never if Stop()
  // comes first.
  void InspectListed(std::vector<std::pair<std::string, Attempt>> listed, std::function<void()> done);
  // Reports `info`, what is known of `id` while its attempts go on, unless
  // `id` was removed since it was queued (it is queued no more): a stopgap
  // never brings a removed container back. False if not reported.
  bool ReportStopgap(const std::string& id, const ContainerInfo& info);
  // Queues an on-demand lookup of `id` (full or prefix), tried up to
  // timing.lookup_attempts times. Counts lookups; a full queue
  // (timing.lookup_queue_capacity lookups) or giving up counts a failure.
  void Lookup(std::string_view id);
  // Reports `removed` to the sink, and drops whatever is queued or in flight
  // for its id (or a prefix of it).
  void Removed(const ContainerInfo& removed);
  // Ids queued or in flight, lookups and the listing lane included.
  size_t queued() const;

 private:
  // The containers of one InspectListed() call still to end, and who to tell.
  struct ListingBatch {
    size_t left = 0;
    std::function<void()> done;
  };
  using BatchPtr = std::shared_ptr<ListingBatch>;
  // A listed container waiting in the lane.
  struct Listed {
    Attempt attempt;
    BatchPtr batch;
  };
  // Batches whose last container ended under the lock, told once it is released.
  using Finished = std::vector<std::function<void()>>;

  struct Entry {
    Attempt attempt;
    int attempts_left = 1;
    bool lookup = false;     // counted in lookups_ and, if it fails, as a lookup failure
    bool in_flight = false;  // a worker is trying it
    bool removed = false;    // in flight when the container was removed: drop the result
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds delay{0};  // before the next retry
    BatchPtr batch;                      // of the listing it came from, if any
  };
  using Entries = std::unordered_map<std::string, Entry>;

  // Adds or merges an entry; false if refused (stopping or full).
  bool EnqueueLocked(std::string_view id, Attempt attempt, bool lookup);
  // A new entry, due now, with `attempts` tries.
  Entry DueNow(Attempt attempt, int attempts) const;
  // The pending entry due first, or end().
  Entries::iterator NextLocked();
  // Moves the lane's next container into the entries, due now; false if the
  // lane is empty or enough of its containers are entries already (an engine
  // that does not answer leaves them waiting to retry: the lane must not
  // crowd out the events' inspects).
  bool PromoteListedLocked();
  // One container of `batch` ended; the batch's `done` goes to `finished`
  // once none is left.
  static void EndedLocked(const BatchPtr& batch, Finished* finished);
  static void Tell(const Finished& finished);
  void Run(size_t worker);
  // Records the attempt's outcome and reports its record, unless removed.
  void Finish(const std::string& id, Result result);
  // Finish() under the locks: true if the record is to be reported.
  bool FinishLocked(const std::string& id, const Result& result, Finished* finished);
  void EraseLocked(Entries::iterator entry, Finished* finished);
  // Moves a container from the lane into the entries, due now.
  void PromoteLocked(std::unordered_map<std::string, Listed>::iterator listed);

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
  // The listing lane: ids in listing order (an id no longer in listed_ was
  // merged into an entry or removed: skipped), the containers by id, and how
  // many entries came from the lane.
  std::deque<std::string> lane_;
  std::unordered_map<std::string, Listed> listed_;
  size_t listed_entries_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace libcontainer
