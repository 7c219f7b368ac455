// The machinery the gRPC watchers (containerd, cri) share, mirroring the HTTP
// one: a thread per socket that connects, lists and follows the engine, backs
// off and reconnects on any failure; an InspectPipeline for the inspects that
// events and on-demand lookups ask for; the stats; the logging policy. What
// "connect, list, follow" means is an EngineSession.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/container_info.h"
#include "core/logger.h"
#include "engines/container_engine.h"
#include "engines/engine_counters.h"
#include "engines/http/engine_timing.h"
#include "engines/inspect_pipeline.h"

namespace libcontainer {

// "UNAVAILABLE: failed to connect ..." for log lines and last_error.
std::string DescribeStatus(const grpc::Status& status);

// One engine socket. Follow() runs on the socket's thread; Cancel() and
// Lookup() may be called from others, so implementations keep what they
// share with Follow() thread-safe.
class EngineSession {
 public:
  enum class LookupResult { kFound, kNotFound, kError };

  virtual ~EngineSession() = default;
  virtual const std::string& socket() const = 0;
  // Connects, reports every container, calls `listed` with a summary for the
  // log once the list is done, then follows changes until the connection
  // fails or Cancel() is called. Returns why it ended.
  virtual std::string Follow(const std::function<void(std::string_view summary)>& listed) = 0;
  // Makes a running or later Follow() return promptly; permanent.
  virtual void Cancel() = 0;
  // One attempt at finding `id` (full id or prefix); only called while connected.
  virtual LookupResult Lookup(const std::string& id, ContainerInfo* info, std::string* error) = 0;
};

// Ends an event stream a session stops following early; Finish() alone could
// wait for messages nobody reads.
template <typename Message, typename Stream>
void AbandonStream(Stream& stream) {
  stream.Cancel();
  Message ignored;
  while (stream.Read(&ignored)) {
  }
  stream.Finish();
}

class GrpcEngineWatcher {
 public:
  using SessionFactory = std::function<std::unique_ptr<EngineSession>(const std::string& socket)>;

  GrpcEngineWatcher(std::string name, const Logger& logger, EngineTiming timing);
  ~GrpcEngineWatcher();
  GrpcEngineWatcher(const GrpcEngineWatcher&) = delete;
  GrpcEngineWatcher& operator=(const GrpcEngineWatcher&) = delete;

  // Starts a session per socket and the inspect workers; at most once.
  void Start(ContainerSink& sink, const std::vector<std::string>& sockets, const SessionFactory& factory);
  // Prompt and idempotent; cancels every session and joins every thread.
  void Stop();
  void RequestLookup(std::string_view id);
  ContainerEngine::Stats stats() const;
  bool WaitForInitialList(std::chrono::milliseconds timeout);

  // For sessions.
  const std::string& name() const { return name_; }
  const Logger& logger() const { return logger_; }
  const EngineTiming& timing() const { return timing_; }
  ContainerSink& sink() const { return *sink_; }
  bool stopping() const { return stop_.load(); }
  // Sleeps unless stopping; false once Stop() was called.
  bool SleepUnlessStopped(std::chrono::milliseconds duration);
  void CountEvent() { counters_.events.fetch_add(1); }
  // Runs `inspect` for the container `id` an event announced on an inspect
  // worker, and reports the record it fills, unless `id` was removed
  // meanwhile; a failure goes to InspectFailed. Never blocks, so a call the
  // engine holds back delays no other event.
  void InspectLater(const std::string& id, std::function<grpc::Status(ContainerInfo* info)> inspect);
  // Counts and logs a failed inspect of `id` by the policy of the HTTP
  // watchers: gone → debug, engine trouble → warning.
  void InspectFailed(std::string_view id, const grpc::Status& status);
  // An event-stream record for `id` is gone: the minimal removal record,
  // reported after any inspect result of `id` already reported, and before
  // none.
  void ReportRemoved(ContainerType type, const std::string& full_id);

 private:
  struct Slot {
    std::unique_ptr<EngineSession> session;
    std::thread thread;
    std::atomic<bool> connected{false};
    bool initial_done = false;  // guarded by mu_
    std::string last_error;     // guarded by mu_; why it is down
  };

  void RunSession(Slot& slot);
  void MarkInitialDone(Slot& slot);
  bool LookUp(const std::string& id, ContainerInfo* info);  // one attempt of a lookup

  const std::string name_;
  const Logger& logger_;
  const EngineTiming timing_;
  ContainerSink* sink_ = nullptr;  // set once by Start, before any thread

  std::atomic<bool> stop_{false};
  EngineCounters counters_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // stop, initial-list progress
  bool started_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;  // fixed once Start returns

  InspectPipeline pipeline_{name_, logger_, timing_, counters_};
};

}  // namespace libcontainer
