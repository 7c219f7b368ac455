// Recorded CRI and containerd messages are stored as upstream's protobuf JSON,
// where label and annotation values are strings; our subset declares them
// `bytes` (see proto/cri/api.proto), whose JSON form is base64. This turns a
// recorded document into the JSON our messages read. Header-only; for tests
// and the fuzz seed maker.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace libcontainer::engine_testing {

inline std::string Base64(std::string_view bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = bytes.size() - i < 3 ? bytes.size() - i : 3;
    unsigned value = 0;
    for (size_t k = 0; k < 3; ++k)
      value = value << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kDigits[(value >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// Re-encodes, at any depth, the string values of every "labels" and
// "annotations" object.
inline void EncodeLabelValues(nlohmann::json& node) {
  if (node.is_array()) {
    for (auto& item : node) EncodeLabelValues(item);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if ((key == "labels" || key == "annotations") && value.is_object()) {
      for (auto& [name, text] : value.items()) {
        if (text.is_string()) text = Base64(text.get<std::string>());
      }
    } else {
      EncodeLabelValues(value);
    }
  }
}

inline std::string AsOurProtoJson(const std::string& recorded) {
  nlohmann::json doc = nlohmann::json::parse(recorded);
  EncodeLabelValues(doc);
  return doc.dump();
}

}  // namespace libcontainer::engine_testing
