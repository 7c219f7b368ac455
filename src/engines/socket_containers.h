// Which socket of a watcher showed which container (listed it, announced it in
// its events, or answered a lookup of it), so that a socket listing again after
// an outage can tell which containers went away while it was down. Their
// removal events were never read (the stream resumes from just before the new
// listing), and without this their records would stay in the plugin's cache
// for good: a cache that grows with container churn across engine restarts.
//
// A removal forgets the container, so the memory follows the containers that
// exist. Thread-safe: sessions, inspect workers and events logs all show and
// remove containers.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/container_info.h"

namespace libcontainer {

class SocketContainers {
 public:
  // Opaque to this class: the watcher's per-socket slot.
  using Socket = const void*;

  struct Gone {
    std::string id;
    ContainerType type;  // for the removal record
  };

  // `socket` showed container `id` (a full id); the last socket to show it owns it.
  void Shown(Socket socket, std::string_view id, ContainerType type);
  // Container `id` (a full id) was removed.
  void Removed(std::string_view id);
  // `socket` listed again and found exactly `listed` (kUnknown: there, type
  // unknown): returns what it owned and no longer lists, forgotten here; the
  // listed containers become its own.
  std::vector<Gone> Relisted(Socket socket, const std::unordered_map<std::string, ContainerType>& listed);
  // The full ids `socket` owns now: taken before a reconciling list.
  std::vector<std::string> OwnedBy(Socket socket) const;
  // A reconciling list of `socket` found `listed`: returns, forgotten here,
  // the containers of `before` (OwnedBy() before the list) it still owns and
  // no longer lists. One shown after `before` was taken is never among them,
  // though the list may have been made before it was created.
  std::vector<Gone> Reconciled(Socket socket, const std::vector<std::string>& before,
                               const std::unordered_set<std::string>& listed);
  // Containers known, for the engine's stats.
  size_t size() const;

 private:
  struct Owner {
    Socket socket;
    ContainerType type;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  mutable std::mutex mu_;
  std::unordered_map<std::string, Owner, Hash, std::equal_to<>> owners_;  // by full id
};

}  // namespace libcontainer
