// Typed, non-throwing access to the JSON documents engines send (docker and
// libpod inspect, CRI verbose info, OCI runtime specs): a missing key, a null
// or a value of the wrong type reads as "absent" rather than throwing, because
// engines leave out and retype fields between versions.
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libcontainer::json_access {

using Json = nlohmann::json;

const Json* Member(const Json& obj, std::string_view key);
const Json* ObjectMember(const Json& obj, std::string_view key);
const Json* ArrayMember(const Json& obj, std::string_view key);
// Follows a path of object keys; nullptr as soon as one is missing.
const Json* Path(const Json& root, std::initializer_list<std::string_view> keys);

std::string String(const Json& obj, std::string_view key);
bool Bool(const Json& obj, std::string_view key, bool fallback = false);
std::vector<std::string> StringArray(const Json& obj, std::string_view key);
bool NonEmptyArray(const Json& obj, std::string_view key);

// Engine APIs send integers signed, unsigned or (docker, for some limits) as
// doubles: out-of-range values are clamped rather than wrapped, non-finite or
// huge doubles are absent.
std::optional<int64_t> ToInt64(const Json& value);
std::optional<int64_t> Int(const Json& obj, std::string_view key);
// For documents whose schema says integer (OCI specs): a double is absent
// rather than converted.
std::optional<int64_t> IntegerOnly(const Json& obj, std::string_view key);

// Parses a whole document; false + *error (if non-null) on malformed input or
// nesting deeper than engines ever send (nlohmann's parser recurses per
// level, so a hostile document could otherwise exhaust the stack). Never
// throws.
bool ParseDocument(std::string_view text, Json* out, std::string* error);
// The same, keeping of the top-level object only `member` (if present): the
// rest is read and checked but not built, for documents of which one part
// is wanted.
bool ParseDocumentMember(std::string_view text, std::string_view member, Json* out, std::string* error);

std::string_view Trim(std::string_view text);

// The whole of `text` as a number of type T (no sign for unsigned T).
template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

inline void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace libcontainer::json_access
