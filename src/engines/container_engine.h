// The interface every engine watcher implements (docker, podman, containerd,
// cri). Watchers run on their own threads and hand finished records to a
// sink; the plugin's sink turns them into async events, so nothing is shared
// with the event thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/container_info.h"

namespace libcontainer {

// Receives records from watcher threads; implementations must be thread-safe.
class ContainerSink {
 public:
  virtual ~ContainerSink() = default;
  // A container was created, started, listed or looked up.
  virtual void OnContainer(const ContainerInfo& info) = 0;
  virtual void OnContainerRemoved(const ContainerInfo& info) = 0;
};

class ContainerEngine {
 public:
  struct Stats {
    bool connected = false;
    uint64_t events = 0;           // engine events received
    uint64_t inspect_errors = 0;   // inspect/status calls that failed
    uint64_t reconnects = 0;       // times the engine was (re)connected after a failure
    uint64_t lookups = 0;          // on-demand lookups requested
    uint64_t lookup_failures = 0;  // on-demand lookups given up
    // Engine events handled from an events file ahead of the API stream
    // (podman's file events_logger); always 0 for other engines.
    uint64_t file_events = 0;
    // Event stream lines that were not JSON (an engine, or whatever listens
    // on its socket, sending garbage); skipped, and logged at most once per
    // EngineTiming::repeated_warning_interval.
    uint64_t malformed_events = 0;
    // Containers reported removed because a socket no longer listed them
    // (listed again after an outage, or by the periodic reconciling list):
    // removal events the watcher never read. Steady growth while connected
    // means events get lost.
    uint64_t removals_relisted = 0;
    // Gauges of what the watcher holds, which must follow the containers that
    // exist rather than grow with churn: inspects and lookups queued or in
    // flight; containers its sockets showed and have not removed; events
    // remembered so that a second copy is handled once (bounded).
    uint64_t inspects_queued = 0;
    uint64_t containers_known = 0;
    uint64_t events_remembered = 0;
    // Why sockets are not connected, one "; "-separated reason per socket
    // that is down (each names its socket), for operators.
    std::string last_error;

    void AddSocketError(const std::string& error) {
      if (error.empty()) return;
      if (!last_error.empty()) last_error += "; ";
      last_error += error;
    }
  };

  virtual ~ContainerEngine() = default;
  virtual std::string_view name() const = 0;
  // Starts the watcher threads and returns at once: it never waits for the engine.
  virtual void Start(ContainerSink& sink) = 0;
  // Stops promptly and joins every thread.
  virtual void Stop() = 0;
  // Asks for one container by id (short or full). Never blocks; the answer,
  // if there is one, arrives through the sink.
  virtual void RequestLookup(std::string_view id) = 0;
  virtual Stats stats() const = 0;
  // For one-shot listing (the CLI's --once): true once every socket has been
  // listed or found unreachable, false if the timeout passed first.
  virtual bool WaitForInitialList(std::chrono::milliseconds timeout) = 0;
};

}  // namespace libcontainer
