// The narrow interface between the protocol-agnostic EngineWatcher and one
// engine socket: each protocol (HTTP for docker and podman, gRPC for
// containerd and CRI) supplies a session that knows how to connect, list,
// follow events and look one container up; the watcher owns everything else
// (threads, reconnects, inspect workers, the record policy, stats).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/container_info.h"

namespace libcontainer {

// How one attempt at inspecting a container ended, whatever the protocol.
enum class InspectOutcome {
  kFound,
  kNotFound,     // not (or no longer, or not yet) there: common and harmless
  kBadResponse,  // the engine answered something we cannot use
  kUnreachable,  // transport failure or deadline
  kStopped,      // the watcher is stopping
};

class EngineSession {
 public:
  virtual ~EngineSession() = default;
  virtual const std::string& socket() const = 0;
  // On the session's own thread: connects, reports every container it lists
  // (EngineWatcher::Report), calls `listed` with a summary for the log once
  // the list is done, then hands the events it follows to
  // EngineWatcher::HandleEvent until the connection fails or Cancel() is
  // called. Returns why it ended ("" once cancelled).
  virtual std::string Follow(const std::function<void(std::string_view summary)>& listed) = 0;
  // Makes a running or later Follow(), and every call in flight, return
  // promptly; permanent. Called from another thread.
  virtual void Cancel() = 0;
  // One attempt at finding `id` (full id or prefix) on inspect worker
  // `worker` (each worker calls from its own thread, so a session may keep a
  // connection per worker); only called while the socket is connected.
  virtual InspectOutcome Lookup(const std::string& id, size_t worker, ContainerInfo* info,
                                std::string* error) = 0;
  // For the periodic reconciliation, from the watcher's reconcile thread
  // while the socket is connected: the full id of every container (and pod
  // sandbox) the engine holds now, or nullopt and *error if it did not
  // answer.
  virtual std::optional<std::unordered_set<std::string>> ListIds(std::string* error) = 0;
};

}  // namespace libcontainer
