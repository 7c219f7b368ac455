// Reading the string maps (labels, annotations, verbose info) of the engines'
// protobuf messages.
#pragma once

#include <google/protobuf/map.h>

#include <string>
#include <string_view>

namespace libcontainer {

using ProtoStringMap = google::protobuf::Map<std::string, std::string>;

// map[key], or "" when absent.
inline std::string ProtoMapValue(const ProtoStringMap& map, std::string_view key) {
  const auto it = map.find(std::string(key));
  return it == map.end() ? std::string() : it->second;
}

}  // namespace libcontainer
