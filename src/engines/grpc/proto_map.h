// Reading the maps of the engines' protobuf messages: the verbose `info`
// (map<string, string>) and the engine text maps (labels, annotations), which
// our protos declare as `repeated BytesMapEntry`, the wire form of a map,
// because a map key cannot be `bytes` (proto/cri/api.proto says why they must
// be). Read here as a map is: a key sent twice takes its last value.
#pragma once

#include <google/protobuf/map.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/labels.h"

namespace libcontainer {

using ProtoStringMap = google::protobuf::Map<std::string, std::string>;

// The value of `key` in `entries` (a repeated BytesMapEntry of any of our
// protos), or "" when absent.
template <typename Entries>
std::string ProtoMapValue(const Entries& entries, std::string_view key) {
  const std::string* found = nullptr;
  for (const auto& entry : entries) {
    if (entry.key() == key) found = &entry.value();
  }
  return found == nullptr ? std::string() : *found;
}

// Fills *out, empty before, with the labels of `entries` by the rule of KeepLabel
// (engines/common/decode_options.h):
// a key whose last value is longer than `max_len` is left out.
template <typename Entries>
void ReadProtoLabels(const Entries& entries, uint32_t max_len, Labels* out) {
  for (const auto& entry : entries) {
    if (entry.value().size() <= max_len) {
      out->insert_or_assign(entry.key(), entry.value());
    } else {
      out->erase(entry.key());
    }
  }
}

}  // namespace libcontainer
