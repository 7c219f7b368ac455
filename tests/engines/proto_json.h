// Recorded CRI and containerd messages are stored as upstream's protobuf JSON,
// in which our `bytes` fields are strings (base64 in our JSON form) and our
// `repeated BytesMapEntry` fields are maps, i.e. JSON objects (arrays of
// {key, value} in ours); see proto/cri/api.proto for why ours differ. This
// turns a recorded document into the JSON our message reads, guided by the
// message's descriptor. Header-only; for tests and the fuzz seed maker.
#pragma once

#include <google/protobuf/descriptor.h>

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

inline void ToOurProtoJson(nlohmann::json& message, const google::protobuf::Descriptor& type);

// One value of `field` (an element, for a repeated field).
inline void ToOurFieldJson(nlohmann::json& value, const google::protobuf::FieldDescriptor& field) {
  using google::protobuf::FieldDescriptor;
  if (field.type() == FieldDescriptor::TYPE_BYTES && value.is_string()) {
    value = Base64(value.get<std::string>());
  } else if (field.type() == FieldDescriptor::TYPE_MESSAGE &&
             field.message_type()->file()->package() != "google.protobuf") {
    ToOurProtoJson(value, *field.message_type());
  }
}

// `message`, a JSON object of upstream's form of `type`, rewritten in place.
inline void ToOurProtoJson(nlohmann::json& message, const google::protobuf::Descriptor& type) {
  if (!message.is_object()) return;
  for (auto& [name, value] : message.items()) {
    const google::protobuf::FieldDescriptor* field = type.FindFieldByName(name);
    if (field == nullptr) field = type.FindFieldByCamelcaseName(name);
    if (field == nullptr) continue;
    if (field->is_map()) {  // a map of ours: only its values can differ
      if (!value.is_object()) continue;
      for (auto& item : value) ToOurFieldJson(item, *field->message_type()->map_value());
    } else if (field->is_repeated() && field->message_type() != nullptr &&
               field->message_type()->name() == "BytesMapEntry" && value.is_object()) {
      nlohmann::json entries = nlohmann::json::array();
      for (auto& [key, item] : value.items()) {
        nlohmann::json entry = {{"key", key}, {"value", item}};
        ToOurProtoJson(entry, *field->message_type());
        entries.push_back(std::move(entry));
      }
      value = std::move(entries);
    } else if (field->is_repeated() && value.is_array()) {
      for (auto& item : value) ToOurFieldJson(item, *field);
    } else {
      ToOurFieldJson(value, *field);
    }
  }
}

template <typename Message>
std::string AsOurProtoJson(const std::string& recorded) {
  nlohmann::json doc = nlohmann::json::parse(recorded);
  ToOurProtoJson(doc, *Message::descriptor());
  return doc.dump();
}

}  // namespace libcontainer::engine_testing
