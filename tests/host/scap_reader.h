// Minimal reader for libscap savefiles (.scap, format 1.0-1.2, gzip or raw).
//
// Only what the test host needs: the capture's process list (threads) and
// every event block, with events kept in their stored (unconverted) version.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace testhost {

struct ScapThread {
  int64_t tid = 0;
  int64_t pid = 0;
  int64_t ptid = 0;
  int64_t vpid = 0;  // Only in process-list blocks V4 and later.
  int64_t vtid = 0;
  std::string comm;
  std::string exe;
  std::vector<std::string> args;
  // ("cpuset", "/docker/<id>"): each "subsys=path" entry split at the first '='.
  std::vector<std::pair<std::string, std::string>> cgroups;
  uint64_t pidns_init_start_ts = 0;  // Only in V9 entries written by libs >= 0.10.
};

struct ScapEvent {
  uint64_t ts = 0;
  uint64_t tid = 0;
  uint16_t type = 0;
  uint32_t nparams = 0;
  // ss_plugin_event layout: 26-byte header (ts, tid, len, type, nparams)
  // followed by the parameter lengths and data exactly as stored. The flags
  // word of EVF blocks is dropped; V1 blocks (no nparams on disk) get nparams
  // inserted and len grown by 4, as libscap does on read. Parameters are
  // never converted to newer event versions.
  std::vector<uint8_t> raw;
};

struct ScapCapture {
  std::vector<ScapThread> threads;
  std::vector<ScapEvent> events;
};

// Reads the whole file. On unreadable or malformed input (including a file
// truncated in the middle of a block) returns false and sets *error; *out
// then holds everything that was decoded before the bad block.
bool ReadScapFile(const std::string& path, ScapCapture* out, std::string* error);

}  // namespace testhost
