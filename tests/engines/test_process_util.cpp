#include "engines/test_process_util.h"

#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "engines/real_engines.h"

namespace testengines {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
  f.close();
  return static_cast<bool>(f);
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    line = Trim(line);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

bool MakeDirs(const std::string& path) {
  for (size_t pos = 1;; ++pos) {
    pos = path.find('/', pos);
    if (mkdir(path.substr(0, pos).c_str(), 0755) != 0 && errno != EEXIST) return false;
    if (pos == std::string::npos) return true;
  }
}

std::string Cmdline(pid_t pid) {
  std::string s = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

int WaitChild(pid_t pid, int timeout_ms) {
  int status = 0;
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) {
    pollfd p{fd, POLLIN, 0};
    int r;
    do {
      r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    close(fd);
    if (r == 0) return -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  }
  // No pidfd (old kernel): poll waitpid.
  auto t0 = Clock::now();
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return status;
    if (MsSince(t0) > timeout_ms) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool WaitGone(pid_t pid, int timeout_ms) {
  auto t0 = Clock::now();
  while (ProcessAlive(pid)) {
    if (MsSince(t0) > timeout_ms) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<std::string> CgroupHierarchies() {
  std::vector<std::string> out;
  DIR* d = opendir("/sys/fs/cgroup");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string path = std::string("/sys/fs/cgroup/") + e->d_name;
    struct stat st {};
    // lstat: cpu -> cpu,cpuacct style symlinks would name a hierarchy twice.
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(path);
  }
  closedir(d);
  // A pure v2 host mounts the hierarchy itself at /sys/fs/cgroup.
  if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) out.push_back("/sys/fs/cgroup");
  return out;
}

void RemoveCgroupTree(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return;
  if (DIR* d = opendir(path.c_str())) {
    std::vector<std::string> children;
    while (dirent* e = readdir(d)) {
      if (e->d_type == DT_DIR && e->d_name[0] != '.') children.push_back(path + "/" + e->d_name);
    }
    closedir(d);
    for (const auto& c : children) RemoveCgroupTree(c);
  }
  auto t0 = Clock::now();
  while (rmdir(path.c_str()) != 0 && errno == EBUSY && MsSince(t0) < 2000) {
    std::istringstream procs(ReadFile(path + "/cgroup.procs"));
    for (pid_t p; procs >> p;) kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace testengines
