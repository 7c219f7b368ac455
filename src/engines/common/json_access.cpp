#include "engines/common/json_access.h"

#include <cmath>
#include <limits>

#include "core/container_text.h"

namespace libcontainer::json_access {
namespace {

constexpr int kMaxNesting = 256;

bool NestingWithinLimit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

int64_t ClampUnsigned(uint64_t value) {
  return value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
             ? std::numeric_limits<int64_t>::max()
             : static_cast<int64_t>(value);
}

bool TryParse(std::string_view text, const Json::parser_callback_t& filter, Json* out, std::string* error) {
  try {
    if (error == nullptr) {
      // No message wanted (event lines, which a broken engine may send by
      // the hundred thousand): no exception to pay for either.
      *out = Json::parse(text.begin(), text.end(), filter, /*allow_exceptions=*/false);
      return !out->is_discarded();
    }
    *out = Json::parse(text.begin(), text.end(), filter);
    return true;
  } catch (const std::exception& e) {
    SetError(error, std::string("malformed JSON: ") + e.what());
  } catch (...) {
    SetError(error, "malformed JSON");
  }
  return false;
}

}  // namespace

const Json* Member(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const Json* ObjectMember(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

const Json* ArrayMember(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

const Json* Path(const Json& root, std::initializer_list<std::string_view> keys) {
  const Json* node = &root;
  for (std::string_view key : keys) {
    node = Member(*node, key);
    if (node == nullptr) return nullptr;
  }
  return node;
}

std::string String(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

bool Bool(const Json& obj, std::string_view key, bool fallback) {
  const Json* v = Member(obj, key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

std::vector<std::string> StringArray(const Json& obj, std::string_view key) {
  std::vector<std::string> out;
  if (const Json* v = ArrayMember(obj, key)) {
    for (const auto& entry : *v) {
      if (entry.is_string()) out.push_back(entry.get<std::string>());
    }
  }
  return out;
}

bool NonEmptyArray(const Json& obj, std::string_view key) {
  const Json* v = ArrayMember(obj, key);
  return v != nullptr && !v->empty();
}

std::optional<int64_t> ToInt64(const Json& value) {
  switch (value.type()) {
    case Json::value_t::number_integer:
      return value.get<int64_t>();
    case Json::value_t::number_unsigned:
      return ClampUnsigned(value.get<uint64_t>());
    case Json::value_t::number_float: {
      const double d = value.get<double>();
      if (!std::isfinite(d) || d <= -9.2e18 || d >= 9.2e18) return std::nullopt;
      return static_cast<int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> Int(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  return v == nullptr ? std::nullopt : ToInt64(*v);
}

std::optional<int64_t> IntegerOnly(const Json& obj, std::string_view key) {
  const Json* v = Member(obj, key);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return ToInt64(*v);
}

namespace {

bool ParseFiltered(std::string_view text, const Json::parser_callback_t& filter, Json* out,
                   std::string* error) {
  if (!NestingWithinLimit(text)) {
    SetError(error, "JSON nested too deeply");
    return false;
  }
  std::string first_error;
  if (TryParse(text, filter, out, &first_error)) return true;
  // Engines store label values (and names) as given: one byte that is not
  // UTF-8 would otherwise cost the whole document, and with it the container
  // (or every container of a list). Parsed again with such bytes replaced by
  // U+FFFD, the rest is kept; if that fails too, the first error says why.
  std::string replaced;
  if (ReplaceInvalidUtf8(text, &replaced) && TryParse(replaced, filter, out, nullptr)) return true;
  SetError(error, std::move(first_error));
  return false;
}

}  // namespace

bool ParseDocument(std::string_view text, Json* out, std::string* error) {
  return ParseFiltered(text, nullptr, out, error);
}

bool ParseDocumentMember(std::string_view text, std::string_view member, Json* out, std::string* error) {
  // Depth 1 is the top-level object's keys: a key returning false is dropped
  // with its value, which is then checked but never built.
  const Json::parser_callback_t keep_member = [member](int depth, Json::parse_event_t event, Json& parsed) {
    return depth != 1 || event != Json::parse_event_t::key || parsed == member;
  };
  return ParseFiltered(text, keep_member, out, error);
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\r";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace libcontainer::json_access
