// Building and reading the engine text maps of our protos (labels,
// annotations), which are `repeated BytesMapEntry`, a map's wire form (see
// engines/grpc/proto_map.h), in tests, fakes and the fuzz seed maker.
// Header-only.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace libcontainer::engine_testing {

// entries[key] = value, as on a map: replaces the value of the entry with
// this key, else adds one.
template <typename Entries>
void SetEntry(Entries* entries, std::string_view key, std::string_view value) {
  for (auto& entry : *entries) {
    if (entry.key() == key) {
      entry.set_value(std::string(value));
      return;
    }
  }
  auto* entry = entries->Add();
  entry->set_key(std::string(key));
  entry->set_value(std::string(value));
}

template <typename Entries>
void SetEntries(Entries* entries, const std::map<std::string, std::string>& map) {
  for (const auto& [key, value] : map) SetEntry(entries, key, value);
}

// The entries as a map (a key's last value).
template <typename Entries>
std::map<std::string, std::string> EntryMap(const Entries& entries) {
  std::map<std::string, std::string> map;
  for (const auto& entry : entries) map.insert_or_assign(entry.key(), entry.value());
  return map;
}

}  // namespace libcontainer::engine_testing
