#include "engine_status.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "engines/engine_factory.h"

namespace container_watch {
namespace {

// A gRPC status can run to hundreds of characters; one line stays readable.
constexpr size_t kMaxReason = 160;

std::vector<std::string> Prefixed(const std::string& host_root, const std::vector<std::string>& sockets) {
  std::vector<std::string> out;
  out.reserve(sockets.size());
  for (const auto& socket : sockets) out.push_back(libcontainer::WithHostRoot(host_root, socket));
  return out;
}

// The watcher's reason for `socket`: its errors are "; "-joined, each
// starting with (or naming) its socket.
std::string WatcherReason(const std::string& socket, const std::vector<std::string>& all,
                          const std::string& last_error) {
  const size_t at = last_error.find(socket);
  if (at == std::string::npos) return "cannot connect";
  size_t end = last_error.size();
  for (const auto& other : all) {
    if (other == socket) continue;
    const size_t next = last_error.find(other, at + socket.size());
    if (next != std::string::npos && next < end) end = next;
  }
  std::string reason = last_error.substr(at + socket.size(), end - at - socket.size());
  while (!reason.empty() && (reason.front() == ':' || reason.front() == ' ')) reason.erase(0, 1);
  while (!reason.empty() && (reason.back() == ';' || reason.back() == ' ')) reason.pop_back();
  if (reason.empty()) return "cannot connect";
  if (reason.size() > kMaxReason) reason = reason.substr(0, kMaxReason - 3) + "...";
  return reason;
}

}  // namespace

std::vector<EngineSockets> ConfiguredSockets(const libcontainer::PluginConfig& config,
                                             const std::string& host_root) {
  const libcontainer::PluginConfig defaults;
  std::vector<EngineSockets> out;
  auto add = [&](const char* name, const libcontainer::EngineSockets& engine,
                 const libcontainer::EngineSockets& default_engine) {
    if (!engine.enabled) return;
    out.push_back({name, Prefixed(host_root, engine.sockets), engine.sockets == default_engine.sockets});
  };
  add("docker", config.docker, defaults.docker);
  add("podman", config.podman, defaults.podman);
  add("containerd", config.containerd, defaults.containerd);
  add("cri", config.cri, defaults.cri);
  return out;
}

std::string SocketFileProblem(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? "no such file" : std::strerror(errno);
  }
  if (!S_ISSOCK(st.st_mode)) return S_ISDIR(st.st_mode) ? "not a socket (a directory)" : "not a socket";
  return "";
}

std::string DescribeEngine(const EngineSockets& sockets, const libcontainer::ContainerEngine::Stats& stats) {
  if (stats.connected) return sockets.engine + ": connected";
  // Sockets grouped by reason, in the config's order of first appearance.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> by_reason;
  for (const auto& socket : sockets.sockets) {
    std::string reason = SocketFileProblem(socket);
    if (reason.empty()) reason = WatcherReason(socket, sockets.sockets, stats.last_error);
    if (!by_reason.contains(reason)) order.push_back(reason);
    by_reason[reason].push_back(socket);
  }
  std::string line = sockets.engine + ": not reachable";
  if (sockets.sockets.empty()) return line + ": no socket configured";
  const bool all_missing = order.size() == 1 && order[0] == "no such file";
  if (sockets.defaults && all_missing && sockets.sockets.size() > 1) {
    // The default list names every distribution's path; listing them all
    // would bury the one fact that matters: the engine is not here.
    return line + ": no socket at " + sockets.sockets[0] + " nor its " +
           std::to_string(sockets.sockets.size() - 1) + " other default paths";
  }
  std::string separator = ": ";
  for (const auto& reason : order) {
    std::string paths;
    for (const auto& path : by_reason[reason]) paths += (paths.empty() ? "" : ", ") + path;
    line += separator + paths + ": " + reason;
    separator = "; ";
  }
  return line;
}

}  // namespace container_watch
