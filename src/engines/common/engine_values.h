// Parsers for the small value formats engines share (timestamps, cpusets,
// IPv4 addresses, image ids), whatever their protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace libcontainer::engine_decode {

inline constexpr int64_t kNanosPerSecond = 1000000000;
// The kernel's CFS defaults, reported when an engine leaves them unset (as the
// reference does), so `container.cpu_period` is never 0.
inline constexpr int64_t kDefaultCpuPeriod = 100000;
inline constexpr int64_t kDefaultCpuShares = 1024;

// RFC 3339 (`2026-11-23T19:08:42.778232282Z`, `...+02:00`) → seconds since
// the epoch; fractional seconds are truncated.
std::optional<int64_t> ParseRfc3339Seconds(std::string_view text);
// The same in nanoseconds (the precision of an event's timeNano); nullopt
// outside 1970..2262.
std::optional<int64_t> ParseRfc3339Nanos(std::string_view text);

// Number of CPUs in a cpuset list (`0-3,5` → 5). Malformed parts count 0.
int64_t CountCpusetCpus(std::string_view cpuset);

// Dotted IPv4 → the big-endian address read as an integer (10.0.0.1 →
// 0x0A000001), the encoding the reference writes to `HostIp`. nullopt for
// anything that is not a strict dotted quad (IPv6 included).
std::optional<uint32_t> ParseIpv4(std::string_view text);

// True when a container's image reference is an image id (`sha256:…` or a
// bare hex prefix of image_id), which carries no repository or tag.
bool IsImageIdReference(std::string_view image, std::string_view image_id);

// Strips a leading `sha256:`.
std::string_view StripSha256(std::string_view id);

}  // namespace libcontainer::engine_decode
