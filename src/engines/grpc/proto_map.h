// Reading the maps of the engines' protobuf messages: the verbose `info`
// (map<string, string>) and the engine text maps (labels, annotations), which
// our protos declare as `repeated BytesMapEntry`, the wire form of a map,
// because a map key cannot be `bytes` (proto/cri/api.proto says why they must
// be). Read here as a map is: a key sent twice takes its last value.
#pragma once

#include <google/protobuf/map.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
// The entries are put in key order first (a stable sort: a key's last entry
// stays last), so that each label is an append (core/labels.h).
template <typename Entries>
void ReadProtoLabels(const Entries& entries, uint32_t max_len, Labels* out) {
  std::vector<const typename Entries::value_type*> sorted;
  sorted.reserve(static_cast<size_t>(entries.size()));
  for (const auto& entry : entries) sorted.push_back(&entry);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->key() < b->key(); });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const bool last_of_key = i + 1 == sorted.size() || sorted[i + 1]->key() != sorted[i]->key();
    if (last_of_key && sorted[i]->value().size() <= max_len)
      out->emplace(sorted[i]->key(), sorted[i]->value());
  }
}

}  // namespace libcontainer
