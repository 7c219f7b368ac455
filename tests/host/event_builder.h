// Events in the binary layout libsinsp hands to plugins (ss_plugin_event):
// a 26-byte packed header {ts, tid, len, type, nparams}, then nparams
// parameter lengths (uint16, or uint32 for large-payload events), then the
// parameter bytes. Parameter counts and types follow event schema 4
// (falcosecurity/libs driver/event_table.c plus the savefile converter).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/thread_table.h"

namespace testhost {
namespace events {

// Event type codes used by the container plugin.
inline constexpr uint16_t kProcExit = 186;        // PPME_PROCEXIT_1_E
inline constexpr uint16_t kCloneExit = 223;       // PPME_SYSCALL_CLONE_20_X
inline constexpr uint16_t kForkExit = 225;        // PPME_SYSCALL_FORK_20_X
inline constexpr uint16_t kVforkExit = 227;       // PPME_SYSCALL_VFORK_20_X
inline constexpr uint16_t kContainer = 228;       // PPME_CONTAINER_E (legacy)
inline constexpr uint16_t kExecve16Exit = 231;    // PPME_SYSCALL_EXECVE_16_X
inline constexpr uint16_t kChrootExit = 267;      // PPME_SYSCALL_CHROOT_X
inline constexpr uint16_t kContainerJson = 272;   // PPME_CONTAINER_JSON_E (legacy)
inline constexpr uint16_t kExecve17Exit = 283;    // PPME_SYSCALL_EXECVE_17_X
inline constexpr uint16_t kExecve18Exit = 289;    // PPME_SYSCALL_EXECVE_18_X
inline constexpr uint16_t kExecve19Exit = 293;    // PPME_SYSCALL_EXECVE_19_X
inline constexpr uint16_t kOpenatExit = 307;      // PPME_SYSCALL_OPENAT_2_X
inline constexpr uint16_t kContainerJson2 = 324;  // PPME_CONTAINER_JSON_2_E (legacy, large)
inline constexpr uint16_t kExecveatExit = 331;    // PPME_SYSCALL_EXECVEAT_X
inline constexpr uint16_t kClone3Exit = 335;      // PPME_SYSCALL_CLONE3_X
inline constexpr uint16_t kAsyncEvent = 402;      // PPME_ASYNCEVENT_E (large)

inline constexpr size_t kHeaderSize = 26;

// Events whose parameter lengths are uint32 (EF_LARGE_PAYLOAD).
bool IsLargePayload(uint16_t type);

// Wall-clock nanoseconds, what a live capture stamps events with.
uint64_t NowNs();

// Appends parameters one by one; Finish() lays out header, lengths and data.
class Builder {
 public:
  Builder(uint16_t type, uint64_t tid) : type_(type), tid_(tid) {}
  Builder& U8(uint8_t v);
  Builder& U16(uint16_t v);
  Builder& U32(uint32_t v);
  Builder& U64(uint64_t v);
  Builder& I64(int64_t v);             // also PT_PID, PT_ERRNO, PT_FD
  Builder& Str(std::string_view s);    // PT_CHARBUF / PT_FSPATH: bytes plus NUL
  Builder& Bytes(std::string_view b);  // PT_BYTEBUF: bytes as given
  Builder& Empty();                    // zero-length parameter
  // ts defaults to NowNs(). large: uint32 lengths (defaults by type).
  std::vector<uint8_t> Finish(std::optional<uint64_t> ts = std::nullopt,
                              std::optional<bool> large = std::nullopt) const;

 private:
  uint16_t type_;
  uint64_t tid_;
  std::vector<std::string> params_;
};

// NUL-separated, NUL-terminated list, as execve args/env and cgroups travel.
std::string JoinNul(const std::vector<std::string>& items);

std::vector<uint8_t> CloneExit(int64_t tid, int64_t res, uint16_t type = kCloneExit);  // 223, 225, 227, 335
std::vector<uint8_t> CloneExit(const ThreadSpec& thread, int64_t res, uint16_t type = kCloneExit);
std::vector<uint8_t> ExecveExit(int64_t tid, int64_t res,
                                uint16_t type = kExecve19Exit);  // 231/283/289/293/331
std::vector<uint8_t> ExecveExit(const ThreadSpec& thread, int64_t res, uint16_t type = kExecve19Exit);
std::vector<uint8_t> ChrootExit(int64_t tid, int64_t res);
std::vector<uint8_t> ProcExit(int64_t tid);
std::vector<uint8_t> OpenExit(int64_t tid);  // openat exit: an event the plugin does not parse
std::vector<uint8_t> AsyncEvent(const std::string& name, const std::string& data_including_nul,
                                uint32_t plugin_id = 0, uint64_t tid = 0, uint64_t ts = UINT64_MAX);
std::vector<uint8_t> LegacyContainer(const std::string& id, uint32_t type, const std::string& name,
                                     const std::string& image);      // 228
std::vector<uint8_t> LegacyContainerJson(const std::string& json);   // 272 (u16 lengths)
std::vector<uint8_t> LegacyContainerJson2(const std::string& json);  // 324 (u32 lengths)

struct DecodedAsync {
  uint32_t plugin_id;
  std::string name;
  std::string data;
  uint64_t tid, ts;
};
std::optional<DecodedAsync> DecodeAsyncEvent(const std::vector<uint8_t>& evt);

// Header access and parameter split; nullopt when the layout is inconsistent
// (lengths that do not add up to the header's len).
struct Header {
  uint64_t ts, tid;
  uint32_t len;
  uint16_t type;
  uint32_t nparams;
};
std::optional<Header> ReadHeader(const std::vector<uint8_t>& evt);
std::optional<std::vector<std::string_view>> Params(const std::vector<uint8_t>& evt);
void SetTimestamp(std::vector<uint8_t>& evt, uint64_t ts);
void SetTid(std::vector<uint8_t>& evt, uint64_t tid);

}  // namespace events
}  // namespace testhost
