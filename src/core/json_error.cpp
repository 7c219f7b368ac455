#include "core/json_error.h"

#include <string_view>

namespace libcontainer {

std::string DescribeJsonError(const nlohmann::json::exception& e) {
  // what() reads "[json.exception.<kind>.<id>] <detail>", and syntax errors
  // put "parse error at line 1, column 5: " before theirs.
  std::string_view detail = e.what();
  if (auto end = detail.find("] "); end != std::string_view::npos) detail.remove_prefix(end + 2);
  if (detail.rfind("parse error", 0) == 0) {
    if (auto colon = detail.find(": "); colon != std::string_view::npos) detail.remove_prefix(colon + 2);
  }
  if (const auto* syntax = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
    return "invalid JSON at byte " + std::to_string(syntax->byte) + ": " + std::string(detail);
  }
  return "invalid JSON: " + std::string(detail);
}

}  // namespace libcontainer
