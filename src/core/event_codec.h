// Reading and writing events in the scap binary layout the host passes to
// plugins: a packed 26-byte header, one length per parameter (uint16, or
// uint32 for large-payload events), then the parameter bytes back to back.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace libcontainer {

// Event type codes of event schema 4 that the plugin parses or emits.
namespace event_type {
inline constexpr uint16_t kProcExit = 186;
inline constexpr uint16_t kCloneExit = 223;
inline constexpr uint16_t kForkExit = 225;
inline constexpr uint16_t kVforkExit = 227;
inline constexpr uint16_t kContainer = 228;
inline constexpr uint16_t kExecve16Exit = 231;
inline constexpr uint16_t kChrootExit = 267;
inline constexpr uint16_t kContainerJson = 272;
inline constexpr uint16_t kExecve17Exit = 283;
inline constexpr uint16_t kExecve18Exit = 289;
inline constexpr uint16_t kExecve19Exit = 293;
inline constexpr uint16_t kPluginEvent = 322;
inline constexpr uint16_t kContainerJson2 = 324;
inline constexpr uint16_t kExecveatExit = 331;
inline constexpr uint16_t kClone3Exit = 335;
inline constexpr uint16_t kAsyncEvent = 402;
}  // namespace event_type

inline constexpr size_t kEventHeaderSize = 26;

// Large-payload events carry 32-bit parameter lengths.
constexpr bool HasLargePayload(uint16_t type) {
  return type == event_type::kContainerJson2 || type == event_type::kContainerJson2 + 1 ||
         type == event_type::kPluginEvent || type == event_type::kAsyncEvent;
}

// A bounds-checked, non-owning view of one event. Construction validates the
// header and the parameter lengths against the event length, so accessors
// never read past the buffer.
class EventView {
 public:
  static std::optional<EventView> Parse(const void* event);

  uint64_t ts() const { return ts_; }
  uint64_t tid() const { return tid_; }
  uint16_t type() const { return type_; }
  uint32_t num_params() const { return num_params_; }

  // Raw bytes of parameter `index`, nullopt when absent.
  std::optional<std::string_view> Param(uint32_t index) const;
  std::optional<int64_t> ParamInt64(uint32_t index) const;
  std::optional<uint32_t> ParamUint32(uint32_t index) const;
  // A charbuf parameter without its trailing NUL.
  std::optional<std::string_view> ParamString(uint32_t index) const;

 private:
  const uint8_t* bytes_ = nullptr;
  uint64_t ts_ = 0;
  uint64_t tid_ = 0;
  uint32_t len_ = 0;
  uint16_t type_ = 0;
  uint32_t num_params_ = 0;
  bool large_ = false;
};

// Builds an asyncevent (402): params plugin_id (u32, the host fills it in),
// name (charbuf) and data (the payload plus a trailing NUL).
std::vector<uint8_t> EncodeAsyncEvent(std::string_view name, std::string_view payload, uint64_t tid,
                                      uint64_t ts);

}  // namespace libcontainer
