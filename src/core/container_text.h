// Text that engines hand us, made safe for what Falco does with it.
//
// Engines may send bytes that are not UTF-8 (docker and containerd store
// label values as given; older gogo-protobuf servers pass them through) and
// NULs (JSON's \u0000). Falco gets every string field as a C string and
// writes it into UTF-8 JSON outputs, so:
// - a byte that is not part of well-formed UTF-8 becomes U+FFFD (replacing
//   keeps the rest of the value readable; dropping would join its neighbours);
// - a NUL becomes U+FFFD too, rather than cutting the value short: truncated,
//   "nginx\0anything" would read as "nginx" to a rule, and an escape such as
//   "\0" could not be told from those two characters sent by the engine.
#pragma once

#include <string>
#include <string_view>

#include "core/container_info.h"

namespace libcontainer {

// The UTF-8 of U+FFFD REPLACEMENT CHARACTER.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Writes `in` to *out with every byte that is not part of well-formed UTF-8
// replaced by U+FFFD; NULs are kept (JSON text carries them as escapes).
// Returns whether anything was replaced.
bool ReplaceInvalidUtf8(std::string_view in, std::string* out);

// True when `text` is well-formed UTF-8 without NULs: nothing to clean.
bool IsCleanText(std::string_view text);
// `text` with invalid UTF-8 and NULs replaced by U+FFFD.
std::string CleanText(std::string_view text);

// True when every string of `info` is clean text (IsCleanText).
bool HasCleanText(const ContainerInfo& info);

// Replaces, in every string of `info` (label keys included), invalid UTF-8
// and NULs by U+FFFD. Two label keys that become equal keep the first value.
// Returns whether anything changed.
bool CleanContainerText(ContainerInfo* info);

}  // namespace libcontainer
