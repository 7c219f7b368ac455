#include "engines/common/host_root.h"

#include <cstdlib>

namespace libcontainer {

std::string HostRootFromEnvironment() {
  const char* value = std::getenv("HOST_ROOT");
  return value == nullptr ? std::string() : std::string(value);
}

std::string WithHostRoot(const std::string& host_root, const std::string& path) {
  if (host_root.empty()) return path;
  std::string root = host_root;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + (path.empty() || path.front() != '/' ? "/" : "") + path;
}

}  // namespace libcontainer
