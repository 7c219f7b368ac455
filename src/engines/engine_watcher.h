// The one engine watcher every engine runs on, whatever its protocol (the
// shape of Envoy's protocol-agnostic connection pool under its http1/http2
// folders). It owns what all engines do alike:
// - one thread per socket running an EngineSession (the protocol's part:
//   connect, list, follow), with one ReconnectPolicy (backoff, one log line
//   per outage) and the socket's state for stats and the initial-list wait;
// - an InspectPipeline, so that reading an event stream never waits for an
//   inspect, and lookups asked for by the plugin;
// - the record policy, in HandleEvent() and Report(): which events the hooks
//   want, an event delivered by two paths handled once, what an event says
//   reported at once, the label length rule, removal records;
// - which socket showed which container (SocketContainers), so that a socket
//   listing again after an outage reports the removal of what went away while
//   it was down, and so does a periodic listing of each connected socket.
// An engine is this class plus the session it makes for a socket
// (MakeSession); podman adds its rootless sockets and events logs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/container_info.h"
#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/common/decode_options.h"
#include "engines/common/engine_event.h"
#include "engines/container_engine.h"
#include "engines/engine_counters.h"
#include "engines/engine_session.h"
#include "engines/engine_timing.h"
#include "engines/handled_events.h"
#include "engines/inspect_pipeline.h"
#include "engines/repeated_warning.h"
#include "engines/socket_containers.h"

namespace libcontainer {

class EngineWatcher : public ContainerEngine {
 public:
  // One attempt at inspecting the container an event announced, on inspect
  // worker `worker`.
  using InspectAttempt =
      std::function<InspectOutcome(size_t worker, ContainerInfo* info, std::string* error)>;

  struct Options {
    std::string name;  // "docker", ...: names the engine in logs and stats
    // More sockets arrive through AddSocket() (podman's rootless scan):
    // WaitForInitialList also waits for InitialSocketsKnown().
    bool more_sockets_coming = false;
    // The engine's events may arrive twice: by two paths (podman's events log
    // and its API stream), or again from a stream re-read after a reconnect
    // (docker and podman follow from just before their listing). Each event
    // (id, kind, engine time) is then handled once.
    bool deduplicate_events = false;
  };

  // `sockets` already carry $HOST_ROOT.
  EngineWatcher(Options options, std::vector<std::string> sockets, const PluginConfig& config,
                const Logger& logger, EngineTiming timing);
  ~EngineWatcher() override;
  EngineWatcher(const EngineWatcher&) = delete;
  EngineWatcher& operator=(const EngineWatcher&) = delete;

  // ContainerEngine. Start runs a session per socket and the inspect workers
  // and returns at once; Stop is prompt and idempotent, cancels every session
  // and joins every thread.
  std::string_view name() const override { return options_.name; }
  void Start(ContainerSink& sink) override;
  void Stop() override;
  void RequestLookup(std::string_view id) override;
  Stats stats() const override;
  bool WaitForInitialList(std::chrono::milliseconds timeout) override;

  // --- For sessions (any thread).
  const Logger& logger() const { return logger_; }
  const EngineTiming& timing() const { return timing_; }
  const DecodeOptions& decode_options() const { return decode_options_; }
  uint32_t hooks() const { return hooks_; }
  bool stopping() const { return stop_.load(); }
  // Sleeps unless stopping; false once Stop() was called.
  bool SleepUnlessStopped(std::chrono::milliseconds duration);
  // A container the session listed or inspected itself (on its own thread).
  void Report(const ContainerInfo& info);
  // An engine event read from a stream (`source` says where, for the log).
  // By kind: a create or start the hooks want is reported from what the
  // event says at once, and `inspect` queued on an inspect worker (a null
  // `inspect` looks the id up through every connected socket); a removal is
  // reported after anything already decided about the container, and drops
  // the inspect still to come. `type` is the removal record's (CRI runtimes
  // differ). True if this call handled the event (not a duplicate, not
  // filtered out).
  bool HandleEvent(const EngineEvent& event, ContainerType type, std::string_view source,
                   InspectAttempt inspect);
  // A container a session listed.
  struct ListedContainer {
    std::string id;  // full id
    ContainerType type = ContainerType::kUnknown;
    InspectAttempt inspect;
    // What the list said, if it says enough to report: reported should the
    // inspect fail for good (an unusable answer) or for now (the engine does
    // not answer: reported, then inspected again), so that a listed
    // container is never lost. Held apart: a listing keeps one of these per
    // container until its last inspect, and most have no facts (CRI,
    // containerd) or no longer need them.
    std::unique_ptr<const ContainerInfo> facts;
  };
  // On a session's thread, with what its listing found: credits the
  // containers to its socket and has the inspect workers inspect them all, in
  // parallel and behind the events' inspects, so the session goes on to read
  // its events at once. The socket counts as listed (WaitForInitialList) once
  // `listed` was called and every one of these has been reported or found
  // gone.
  void InspectListed(std::vector<ListedContainer> listed);
  // The engine behind `session` answered in the current attempt: should the
  // attempt now break off before its listing is done (the engine restarted,
  // an answer came too late), the initial listing waits for one more attempt
  // rather than count the socket as unreachable.
  void Answered(const EngineSession& session);
  // Counts engine events read from streams.
  void CountEvent() { counters_.events.fetch_add(1); }
  // Counts event stream lines that were not JSON.
  void CountMalformedEvent() { counters_.malformed_events.fetch_add(1); }
  // Counts and logs a failed inspect of `id` by the one policy for all
  // engines: gone → debug; unreachable → warning "cannot inspect"; a bad
  // answer → warning "unusable inspect".
  void InspectFailed(std::string_view id, InspectOutcome outcome, const std::string& error);

 protected:
  // The protocol's session for one socket; called by Start() and AddSocket().
  virtual std::unique_ptr<EngineSession> MakeSession(const std::string& socket) = 0;
  // A socket found after Start(); ignored if known or stopping.
  void AddSocket(const std::string& socket);
  void InitialSocketsKnown();
  EngineCounters& counters() { return counters_; }

 private:
  struct Slot {
    std::unique_ptr<EngineSession> session;
    std::thread thread;
    std::atomic<bool> connected{false};  // listed and following
    bool initial_done = false;           // guarded by mu_
    bool answered = false;               // guarded by mu_; see Answered()
    bool listing_retried = false;        // guarded by mu_; the one more attempt was given
    bool listed_called = false;          // guarded by mu_; this attempt's listing is done
    size_t listed_inspects = 0;          // guarded by mu_; InspectListed batches not done
    std::string last_error;              // guarded by mu_; why it is down
    // The session thread's own: true from the start of a Follow() until its
    // listing is done, and what that listing found (kUnknown: there, but its
    // answer was unusable).
    bool listing = false;
    std::unordered_map<std::string, ContainerType> listed;
  };

  void StartSessionLocked(const std::string& socket);
  void RunSession(Slot& slot);
  void MarkInitialDone(Slot& slot);
  // One container of an InspectListed() call.
  struct ListedState {
    ListedContainer container;
    std::atomic<bool> facts_reported{false};  // as a stopgap
  };
  // One InspectListed() call.
  struct Listing {
    Slot* slot = nullptr;
    std::string socket;
    std::vector<std::shared_ptr<ListedState>> containers;
    std::atomic<bool> unanswered{false};  // an inspect went unanswered
    std::atomic<bool> ended{false};       // counted as done for the slot
    // For the summary once every container is through.
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<size_t> gone{0}, unusable{0};
  };
  // The listing is done for its slot's initial-list wait: each of its
  // containers was inspected, or given up, or reported from the list.
  void ListingEnded(Listing& listing);
  // One info line once each container of `listing` was inspected or given
  // up: on a node with thousands of containers the listing takes seconds,
  // and an operator sees when metadata is complete.
  void LogListingInspected(const Listing& listing);
  // Frees what `listing` held for its inspects once it is through; after a
  // large one, has the allocator give back to the system what it had freed.
  static void ReleaseListing(Listing& listing);
  // One attempt at a container of `listing`.
  InspectPipeline::Result InspectListedOne(Listing& listing, ListedState& state, size_t worker);
  // The engine did not answer an inspect of `listing`'s: under load, or
  // restarting. The containers not inspected yet are reported from the list
  // now, rather than each after an unanswered inspect, and inspected later.
  void ReportListingFromList(Listing& listing, const std::string& id, const std::string& error);
  // The slot whose session runs on the calling thread, nullptr on any other
  // thread (inspect workers, events logs): sessions report on their own
  // thread, so what they show is credited to their socket without each
  // session passing it along.
  Slot* CallingSlot() const;
  // `slot`'s socket showed container `id`: part of its listing while it
  // lists, else owned by it from now on.
  void Credit(Slot& slot, const std::string& id, ContainerType type);
  // What went away unannounced (engine_reconciliation.cpp). The listing of
  // `slot` is done: reports the removal of every container its socket showed
  // before and no longer lists.
  void ReportGoneWhileDown(Slot& slot);
  // The reconcile thread: every timing.reconcile_interval, each connected
  // socket is listed again (on a connection of its own) and what it showed
  // before the list and no longer lists is reported removed.
  void RunReconciler();
  void Reconcile(Slot& slot);
  void ReportGone(const std::vector<SocketContainers::Gone>& gone, std::string_view source);
  std::vector<Slot*> ConnectedSlots() const;
  // One attempt at `id` through every connected socket.
  std::optional<ContainerInfo> LookUp(const std::string& id, size_t worker);
  // Reports what an event says (name, image, labels) before the inspect,
  // which the engine may hold back until the container has started.
  void ReportFromEvent(const EngineEvent& event, ContainerType type);
  // The inspect of an event's container, on worker `worker`.
  InspectPipeline::Result InspectForEvent(const EngineEvent& event, const InspectAttempt& inspect,
                                          size_t worker);
  // One try of `inspect` at `id`: the record, or the failure counted and
  // logged (InspectFailed) and whether asking again may help.
  InspectPipeline::Result TryInspect(std::string_view id, const InspectAttempt& inspect, size_t worker);

  // Applies the record policy between the pipeline (and the sessions) and the
  // plugin's sink.
  class PolicySink final : public ContainerSink {
   public:
    explicit PolicySink(const EngineWatcher& watcher) : watcher_(watcher) {}
    void OnContainer(const ContainerInfo& info) override;
    void OnContainerRemoved(const ContainerInfo& info) override;

   private:
    const EngineWatcher& watcher_;
  };

  const Options options_;
  const std::vector<std::string> sockets_;
  const DecodeOptions decode_options_;
  const uint32_t hooks_;
  const Logger& logger_;
  const EngineTiming timing_;
  ContainerSink* sink_ = nullptr;  // set once by Start, before any thread
  PolicySink policy_sink_{*this};

  std::atomic<bool> stop_{false};
  EngineCounters counters_;
  HandledEvents handled_;
  SocketContainers shown_;
  // Listed containers the engine did not answer for, after the first: one
  // line per interval.
  RepeatedWarning listed_unanswered_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // stop, initial-list progress
  bool started_ = false;
  bool sockets_pending_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;  // only appended to; stable once stopping
  std::thread reconciler_;                    // started by Start(), joined by Stop()

  // Declared after the slots: destroyed first, so no attempt outlives the
  // sessions it calls.
  InspectPipeline pipeline_{options_.name, logger_, timing_, counters_};
};

}  // namespace libcontainer
