#include "engines/common/engine_values.h"

#include <chrono>
#include <limits>

#include "engines/common/json_access.h"

namespace libcontainer::engine_decode {
namespace {

using json_access::ParseNumber;
using json_access::Trim;

struct Rfc3339Time {
  int64_t seconds = 0;
  int64_t nanos = 0;  // the fraction, 0..999999999
};

// YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM); fraction digits past nanoseconds are dropped.
std::optional<Rfc3339Time> ParseRfc3339(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  // Unsigned fields: from_chars then rejects signs, so "-1" cannot slip through.
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ParseNumber(text.substr(0, 4), &year) || text[4] != '-' || !ParseNumber(text.substr(5, 2), &month) ||
      text[7] != '-' || !ParseNumber(text.substr(8, 2), &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ParseNumber(text.substr(11, 2), &hour) ||
      text[13] != ':' || !ParseNumber(text.substr(14, 2), &minute) || text[16] != ':' ||
      !ParseNumber(text.substr(17, 2), &second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::string_view rest = text.substr(19);
  int64_t nanos = 0;
  if (!rest.empty() && rest.front() == '.') {
    size_t digits = 1;
    // Digits past the ninth weigh 0.
    for (int64_t scale = kNanosPerSecond / 10;
         digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9'; ++digits, scale /= 10) {
      nanos += (rest[digits] - '0') * scale;
    }
    if (digits == 1) return std::nullopt;
    rest.remove_prefix(digits);
  }
  int64_t offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    unsigned off_hour = 0, off_minute = 0;
    if (!ParseNumber(rest.substr(1, 2), &off_hour) || !ParseNumber(rest.substr(4, 2), &off_minute) ||
        off_hour > 23 || off_minute > 59) {
      return std::nullopt;
    }
    offset = (int64_t{off_hour} * 3600 + int64_t{off_minute} * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{static_cast<int>(year)}, std::chrono::month{month},
                                   std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  return Rfc3339Time{days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + int64_t{second} - offset,
                     nanos};
}

bool IsHexString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::optional<int64_t> ParseRfc3339Seconds(std::string_view text) {
  const auto time = ParseRfc3339(text);
  return time ? std::optional<int64_t>(time->seconds) : std::nullopt;
}

std::optional<int64_t> ParseRfc3339Nanos(std::string_view text) {
  const auto time = ParseRfc3339(text);
  if (!time || time->seconds < 0 || time->seconds >= std::numeric_limits<int64_t>::max() / kNanosPerSecond)
    return std::nullopt;
  return time->seconds * kNanosPerSecond + time->nanos;
}

int64_t CountCpusetCpus(std::string_view cpuset) {
  int64_t count = 0;
  while (!cpuset.empty()) {
    auto comma = cpuset.find(',');
    std::string_view part = Trim(cpuset.substr(0, comma));
    cpuset = comma == std::string_view::npos ? std::string_view() : cpuset.substr(comma + 1);
    if (part.empty()) continue;
    uint32_t first = 0, last = 0;
    if (auto dash = part.find('-'); dash != std::string_view::npos) {
      if (ParseNumber(Trim(part.substr(0, dash)), &first) &&
          ParseNumber(Trim(part.substr(dash + 1)), &last) && last >= first) {
        count += static_cast<int64_t>(last) - first + 1;
      }
    } else if (ParseNumber(part, &first)) {
      ++count;
    }
  }
  return count;
}

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  uint32_t address = 0;
  for (int i = 0; i < 4; ++i) {
    auto dot = text.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
    std::string_view octet = text.substr(0, dot);
    uint32_t value = 0;
    if (octet.empty() || octet.size() > 3 || !ParseNumber(octet, &value) || value > 255) return std::nullopt;
    address = (address << 8) | value;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return address;
}

bool IsImageIdReference(std::string_view image, std::string_view image_id) {
  if (image.starts_with("sha256:")) return true;
  return IsHexString(image) && !image_id.empty() && image_id.starts_with(image);
}

std::string_view StripSha256(std::string_view id) {
  if (id.starts_with("sha256:")) id.remove_prefix(7);
  return id;
}

}  // namespace libcontainer::engine_decode
