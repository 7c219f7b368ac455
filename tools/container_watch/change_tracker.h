// Turns the watchers' record stream into changes a reader cares about.
//
// Engines report a container several times: docker and podman first from the
// event itself, then the inspected record; every engine re-lists everything
// after a reconnect; containerd and CRI describe one container twice. The
// tracker merges records per id as the plugin does and reports only what
// changed, so a reader sees one `added`, then `updated` when facts arrive,
// then `removed` carrying the last known name and image.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/container_info.h"

namespace container_watch {

enum class ChangeKind { kAdded, kUpdated, kRemoved };

std::string_view ChangeKindName(ChangeKind kind);

struct Change {
  ChangeKind kind;
  libcontainer::ContainerInfo info;  // for kRemoved: the last known record
};

// Not thread-safe: the caller serialises (watcher threads call concurrently).
class ChangeTracker {
 public:
  // nullopt when the record adds nothing to what is known.
  std::optional<Change> OnContainer(const libcontainer::ContainerInfo& info);
  // nullopt for a container never reported: a reader never saw it arrive.
  std::optional<Change> OnRemoved(const libcontainer::ContainerInfo& info);

  // Known containers by id, in id order.
  const std::map<std::string, libcontainer::ContainerInfo>& containers() const { return containers_; }

 private:
  std::map<std::string, libcontainer::ContainerInfo> containers_;
};

// True for the record an engine builds from its event alone (name, image,
// labels), before the inspect that brings the rest (creation time at least).
bool IsEventOnlyRecord(const libcontainer::ContainerInfo& info);

}  // namespace container_watch
