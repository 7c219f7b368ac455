#include "plugin/async_emitter.h"

#include <string>

#include "core/event_codec.h"

namespace libcontainer {
namespace {

// All-ones asks the host to stamp the event with the current time; zero would
// sort it before every syscall event.
constexpr uint64_t kHostTimestamp = UINT64_MAX;
// Live events carry no real thread, like the reference's.
constexpr uint64_t kLiveEventTid = 0;

}  // namespace

void AsyncEmitter::SetHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler) {
  std::lock_guard lock(mutex_);
  owner_ = owner;
  handler_ = handler;
}

bool AsyncEmitter::live() const {
  std::lock_guard lock(mutex_);
  return handler_ != nullptr;
}

bool AsyncEmitter::Emit(std::string_view name, std::string_view payload) {
  std::lock_guard lock(mutex_);
  if (handler_ == nullptr) return false;
  if (!EmitTo(owner_, handler_, name, payload, kLiveEventTid, logger_)) return false;
  emitted_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool AsyncEmitter::EmitTo(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler,
                          std::string_view name, std::string_view payload, uint64_t tid,
                          const HostLogger& logger) {
  const auto event = EncodeAsyncEvent(name, payload, tid, kHostTimestamp);
  char err[LIBCONTAINER_PLUGIN_MAX_ERRLEN] = {};
  if (handler(owner, reinterpret_cast<const ss_plugin_event*>(event.data()), err) != SS_PLUGIN_SUCCESS) {
    logger.Error(std::string("host refused async event '") + std::string(name) + "': " + err);
    return false;
  }
  return true;
}

}  // namespace libcontainer
