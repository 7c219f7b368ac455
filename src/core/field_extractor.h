// Pure field extraction: given what the plugin knows about the event's thread and
// its container, produce one field's value. No plugin ABI, no I/O, no locking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/container_info.h"
#include "core/field_table.h"

namespace libcontainer {

// Categories of a process (values are the uint16 stored in the thread table's `category` field).
enum class ProcessCategory : uint16_t {
  kNone = 0,
  kContainer = 1,
  kHealthcheck = 2,
  kLivenessProbe = 3,
  kReadinessProbe = 4,
};

// What the plugin knows about the event's thread.
struct ThreadFacts {
  std::string_view container_id;     // "" = host; may be set while metadata is unknown
  uint64_t pidns_init_start_ts = 0;  // 0 = unknown
  ProcessCategory category = ProcessCategory::kNone;
  uint64_t event_ts = 0;
};

// For index-or-key fields the key wins when it is non-empty and not all digits; an
// all-digit key is read as an index (some hosts pass `[0]` as key "0").
struct ExtractRequest {
  FieldId id;
  std::string_view arg_key;
  uint64_t arg_index = 0;
  bool arg_present = false;
};

// One extracted value. `str` is always NUL-terminated at str.data()[str.size()] (it
// points into the ContainerInfo, a string literal, or the caller's scratch string).
struct FieldValue {
  bool present = false;
  std::string_view str;
  uint64_t u64 = 0;  // bools as 0/1
};

// Looks up another cache entry (pod sandbox) by short id; may return nullptr.
class ContainerLookup {
 public:
  virtual ~ContainerLookup() = default;
  virtual const ContainerInfo* Find(std::string_view short_id) const = 0;
};

// info: the thread's container metadata (the host has a synthetic entry: id/name/full_id
// "host", type kHost), nullptr when unknown.
// scratch: a per-field-slot buffer the caller keeps between calls; it is reused, so the
// steady state allocates nothing once its capacity suffices. A returned `str` may point
// into it and stays valid until the next call with the same scratch.
FieldValue ExtractField(const ExtractRequest& request, const ThreadFacts& thread, const ContainerInfo* info,
                        const ContainerLookup& lookup, std::string& scratch);

// What the plugin read from the thread table about a new (or re-exec'd) process.
struct ProcessFacts {
  int64_t vpid;
  ProcessCategory parent_category;
  std::string_view exe;
  const std::vector<std::string>* args;  // argv[1..]; nullptr = none
  // Some ancestor has vpid 1 and a non-empty container id: the process was started
  // from inside the container, not exec'd into it from outside.
  bool has_container_init_ancestor;
  // The thread's category before this execve (kNone for a new thread): a probe that
  // execs its next command (`sh -c 'exec curl ...'`) stays a probe.
  ProcessCategory own_category = ProcessCategory::kNone;
};

// Category of a new process. Call it for threads that have a container id; info may be
// nullptr while metadata is unknown (then only the first four rules apply). In order:
// container init → kContainer; the thread's own earlier category → kept; a categorised
// parent → inherited; a descendant of the container init → kContainer; a command line
// equal to a probe of `info`, so exec'd from outside (runc exec) → that probe's
// category; otherwise kNone. The host entry (type kHost) is always kNone.
ProcessCategory ClassifyProcess(const ProcessFacts& facts, const ContainerInfo* info);

// Shell-style glob (fnmatch without flags: `*` also matches `/`) over the whole text.
// Supports `*`, `?`, `[...]` with `!`/`^` negation and ranges, and `\` escapes.
// Allocation-free; exposed for tests.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace libcontainer
