#include "engines/podman/podman_service_facts.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include "engines/common/host_root.h"

namespace libcontainer {
namespace {

// containers.conf files are a few KiB; anything far larger is not one.
constexpr std::streamsize kMaxFileBytes = 1 << 20;

struct Peer {
  pid_t pid = 0;  // 0: in another pid namespace
  uid_t uid = 0;
};

// The credentials of the process that listens on `socket`: for a unix stream
// socket, what the connecting side sees is the listener's, taken at listen().
std::optional<Peer> SocketPeer(const std::string& socket) {
  sockaddr_un addr{};
  if (socket.size() >= sizeof(addr.sun_path)) return std::nullopt;
  addr.sun_family = AF_UNIX;
  std::copy(socket.begin(), socket.end(), addr.sun_path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  std::optional<Peer> peer;
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    peer = Peer{cred.pid, cred.uid};
  }
  ::close(fd);
  return peer;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data;
  data.resize(static_cast<size_t>(kMaxFileBytes));
  in.read(data.data(), kMaxFileBytes);
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

std::vector<std::string> SplitNul(const std::string& data) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < data.size()) {
    const size_t end = data.find('\0', start);
    parts.push_back(data.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

struct ServiceProcess {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string Env(const std::string& name) const {
    const auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  }
};

// The listener's command line and environment, if it is a podman process.
std::optional<ServiceProcess> ReadServiceProcess(pid_t pid, std::string* note) {
  const std::string proc = "/proc/" + std::to_string(pid);
  const std::optional<std::string> cmdline = ReadFile(proc + "/cmdline");
  ServiceProcess process;
  if (cmdline) process.argv = SplitNul(*cmdline);
  if (process.argv.empty() ||
      std::filesystem::path(process.argv.front()).filename().string().find("podman") == std::string::npos) {
    *note = "the socket's listener (pid " + std::to_string(pid) + ") is not a podman process";
    return std::nullopt;
  }
  if (const std::optional<std::string> environ = ReadFile(proc + "/environ")) {
    for (const std::string& entry : SplitNul(*environ)) {
      const size_t eq = entry.find('=');
      if (eq != std::string::npos) process.env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  return process;
}

// `dir`/*.conf in name order, as podman loads a .d directory.
std::vector<std::string> ConfDir(const std::string& host_root, const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(WithHostRoot(host_root, dir), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() == ".conf") files.push_back(dir + "/" + it->path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ConfFiles(const std::optional<ServiceProcess>& process, bool rootless,
                                   const std::string& host_root) {
  const auto env = [&](const char* name) { return process ? process->Env(name) : std::string(); };
  std::vector<std::string> files;
  if (const std::string only = env("CONTAINERS_CONF"); !only.empty()) {
    files.push_back(only);
  } else {
    files = {"/usr/share/containers/containers.conf", "/etc/containers/containers.conf"};
    for (std::string& file : ConfDir(host_root, "/etc/containers/containers.conf.d"))
      files.push_back(std::move(file));
    std::string config_home = env("XDG_CONFIG_HOME");
    if (config_home.empty() && !env("HOME").empty()) config_home = env("HOME") + "/.config";
    if (rootless && !config_home.empty()) {
      files.push_back(config_home + "/containers/containers.conf");
      for (std::string& file : ConfDir(host_root, config_home + "/containers/containers.conf.d"))
        files.push_back(std::move(file));
    }
  }
  if (const std::string override_file = env("CONTAINERS_CONF_OVERRIDE"); !override_file.empty())
    files.push_back(override_file);
  return files;
}

}  // namespace

PodmanEventsLogInputs GatherPodmanEventsLogInputs(const std::string& socket, std::string_view info_body,
                                                  const std::string& host_root, std::string* note) {
  PodmanEventsLogInputs in;
  if (!info_body.empty()) in.info = ParsePodmanInfo(info_body);

  const std::optional<Peer> peer = SocketPeer(socket);
  std::optional<ServiceProcess> process;
  if (!peer) {
    *note = "cannot read the peer credentials of " + socket;
  } else if (peer->pid <= 0) {
    *note = "the service runs in another pid namespace";
  } else {
    process = ReadServiceProcess(peer->pid, note);
  }
  if (process) in.flags = ParsePodmanServiceFlags(process->argv);

  const bool rootless = in.info ? in.info->rootless : (peer && peer->uid != 0);
  for (const std::string& file : ConfFiles(process, rootless, host_root)) {
    if (const std::optional<std::string> text = ReadFile(WithHostRoot(host_root, file)))
      in.confs.push_back(ParseContainersConfEngine(*text, file));
  }

  if (!rootless) {
    in.default_tmp_dir = "/run/libpod";
  } else if (process && !process->Env("XDG_RUNTIME_DIR").empty()) {
    in.default_tmp_dir = process->Env("XDG_RUNTIME_DIR") + "/libpod/tmp";
  } else if (peer) {
    in.default_tmp_dir = "/run/user/" + std::to_string(peer->uid) + "/libpod/tmp";
  }
  return in;
}

}  // namespace libcontainer
