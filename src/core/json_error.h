// One readable sentence for nlohmann::json's exceptions, for error messages
// that reach operators (init config) and counters' logs (event payloads).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace libcontainer {

// "invalid JSON at byte 23: syntax error while parsing object key ..." for
// syntax errors; "invalid JSON: number overflow parsing '1e400'" for what
// parses but cannot be held (a number beyond double).
std::string DescribeJsonError(const nlohmann::json::exception& e);

}  // namespace libcontainer
