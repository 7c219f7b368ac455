// What the plugin's config asks of every engine decoder, and the one label
// rule they all follow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/labels.h"

namespace libcontainer {

struct DecodeOptions {
  uint32_t label_max_len = 100;  // label values longer than this are dropped
  bool with_size = false;        // report SizeRw (the inspect must have asked ?size=1)
};

// Keeps a label unless its value is longer than `max_len` (the reference's
// label_max_len): long values are dropped whole, never cut, so a rule never
// matches half a value. An existing key is kept.
inline void KeepLabel(Labels* labels, std::string_view key, std::string_view value, uint32_t max_len) {
  if (value.size() <= max_len) labels->emplace(key, value);
}

}  // namespace libcontainer
