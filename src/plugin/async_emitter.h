// Sends `container` / `container_removed` async events to the host.
//
// The handler is installed and removed by the event thread while watcher
// threads may be emitting, hence the mutex; emission is rare (once per
// container change), never per syscall.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "plugin/host_logger.h"
#include "plugin/plugin_api.h"

namespace libcontainer {

inline constexpr std::string_view kContainerEventName = "container";
inline constexpr std::string_view kContainerRemovedEventName = "container_removed";

class AsyncEmitter {
 public:
  explicit AsyncEmitter(const HostLogger& logger) : logger_(logger) {}

  void SetHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  bool live() const;
  // False when there is no handler (reading a capture) or the host refused the event.
  bool Emit(std::string_view name, std::string_view payload);
  uint64_t emitted() const { return emitted_.load(std::memory_order_relaxed); }

  // Emits through a handler given for one call only (dump_state).
  static bool EmitTo(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler, std::string_view name,
                     std::string_view payload, uint64_t tid, const HostLogger& logger);

 private:
  const HostLogger& logger_;
  mutable std::mutex mutex_;
  ss_plugin_owner_t* owner_ = nullptr;
  ss_plugin_async_event_handler_t handler_ = nullptr;
  std::atomic<uint64_t> emitted_{0};
};

}  // namespace libcontainer
