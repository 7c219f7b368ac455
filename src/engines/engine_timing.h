// Deadlines and backoffs of the engine watchers, gathered in one struct so
// tests can shrink them. The defaults are what the plugin runs with.
#pragma once

#include <chrono>
#include <cstddef>

namespace libcontainer {

struct EngineTiming {
  // Every request (ping, version, list, inspect) and the wait for the event
  // stream's response headers.
  std::chrono::milliseconds request_deadline{2000};
  // Reconnect backoff per socket: starts here, doubles per failure, capped.
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  // On-demand lookups: a container may not be visible yet when the parser
  // first sees it, so an id that is not found is retried with doubling delays.
  int lookup_attempts = 6;
  std::chrono::milliseconds lookup_retry_initial{50};
  size_t lookup_queue_capacity = 256;
  // The inspect an event asks for is tried again (same delays) when the
  // engine did not answer in time: dockerd holds an inspect until the
  // container has started, which under a burst of starts can outlast
  // request_deadline.
  int event_inspect_attempts = 3;
  // Inspects run on this many threads per engine (InspectPipeline), so that
  // one the engine holds back delays neither the event stream nor the
  // inspects of other containers.
  size_t inspect_workers = 4;
  // Event inspects queued at most per engine, besides the lookups.
  size_t inspect_queue_capacity = 1024;
  // How often podman looks for rootless users' sockets that appeared.
  std::chrono::milliseconds rootless_rescan{2000};
  // How often podman looks again for an events log directory that is missing
  // (podman has not run yet, or logs to journald).
  std::chrono::milliseconds events_log_rewatch{2000};
  // CRI runtimes without GetContainerEvents (containerd < 1.7) are polled
  // with ListContainers + ListPodSandbox this often.
  std::chrono::milliseconds cri_poll_interval{1000};
  // A warning that may repeat at a high rate (malformed event stream lines)
  // is logged at most once per this interval, with a count of the rest.
  std::chrono::milliseconds repeated_warning_interval{60000};
  // Every connected socket is listed again this often, and what it showed
  // and no longer lists is reported removed: a removal event that was never
  // read (a malformed or lost line, an events log cut short) would otherwise
  // leave its record in the plugin's cache for good. 0: never.
  std::chrono::milliseconds reconcile_interval{std::chrono::minutes(5)};
};

}  // namespace libcontainer
