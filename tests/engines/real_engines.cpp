#include "engines/real_engines.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "engines/test_process_util.h"

extern char** environ;

namespace testengines {
namespace {

using Clock = std::chrono::steady_clock;

// Debian's binaries; /usr/local/bin/docker (a newer CLI) must not shadow /usr/bin/docker.
constexpr const char* kPodmanBin = "/usr/bin/podman";
constexpr const char* kDockerdBin = "/usr/sbin/dockerd";
constexpr const char* kDockerBin = "/usr/bin/docker";
constexpr const char* kTarBin = "/bin/tar";
constexpr const char* kBusyboxBin = "/bin/busybox";
// Fixed PATH for engines so dockerd/podman find Debian's runc/containerd/conmon, not something local.
constexpr const char* kEnginePath = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

constexpr int kPingPollMs = 20;
constexpr int kPingBoundMs = 20000;

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

std::string Tail(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t from = s.size() - max_bytes;
  size_t nl = s.find('\n', from);  // start at a line boundary when possible
  return "..." + s.substr(nl != std::string::npos && nl + 1 < s.size() ? nl + 1 : from);
}

bool IsHexId(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(c); });
}

// Environment = inherited environ with `overrides` applied ("NAME=value" sets, "NAME" unsets).
std::vector<std::string> BuildEnv(const std::vector<std::string>& overrides) {
  auto key_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                  [&](const std::string& o) { return key_of(o) == key_of(entry); });
    if (!overridden) env.push_back(entry);
  }
  for (const auto& o : overrides) {
    if (o.find('=') != std::string::npos) env.push_back(o);
  }
  return env;
}

std::vector<char*> CPtrs(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Waits up to timeout_ms for our child `pid` to exit; reaps it. Returns the wait status or -1 on timeout.

// Waits for a process that is not our child (e.g. dockerd's containerd) to disappear or turn zombie.

void UnmountUnder(const std::string& prefix) {
  for (const auto& m : MountsUnder(prefix)) umount2(m.c_str(), MNT_DETACH);
}

// Processes whose command line mentions our private dir can only be ours (shims, conmon and its exit
// command `podman container cleanup`, containerd). Give them a moment to finish on their own, then
// kill them by PID and say so: the orderly shutdown failed.
void KillStragglers(const std::string& dir, int grace_ms = 3000) {
  auto t0 = Clock::now();
  std::vector<pid_t> found;
  while (!(found = ProcessesMentioning(dir)).empty() && MsSince(t0) < grace_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (pid_t p : found) {
    std::fprintf(stderr, "[real_engines] killing leftover pid %d: %s\n", p, Cmdline(p).c_str());
    kill(p, SIGKILL);
  }
  for (pid_t p : found) WaitGone(p, 2000);
}

// Removes a cgroup dir of one of our containers: kill what is still in it (only after the engine's own
// removal failed), then rmdir bottom-up. Cgroup dirs only rmdir when empty, so nothing else is touched.

// Per-container cgroups of `ids` under <hierarchy>/<top>, then the shared dirs only if empty.
void CleanupCgroups(const std::string& top, const std::vector<std::string>& id_dirs,
                    const std::vector<std::string>& shared_children) {
  for (const auto& h : CgroupHierarchies()) {
    std::string base = h + "/" + top;
    struct stat st;
    if (stat(base.c_str(), &st) != 0) continue;
    for (const auto& id : id_dirs) RemoveCgroupTree(base + "/" + id);
    for (const auto& c : shared_children) rmdir((base + "/" + c).c_str());
    rmdir(base.c_str());
  }
}

int RemoveEntry(const char* path, const struct stat*, int type, struct FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;  // best effort: keep going
}

}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');  // the command name may contain spaces
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

std::vector<pid_t> ProcessesMentioning(const std::string& dir) {
  std::vector<pid_t> found;
  DIR* d = opendir("/proc");
  if (!d) return found;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 1 || pid == getpid()) continue;
    if (Cmdline(pid).find(dir + "/") != std::string::npos) found.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return found;
}

std::vector<std::string> MountsUnder(const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile("/proc/self/mountinfo"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (mount_point == prefix || mount_point.rfind(prefix + "/", 0) == 0) out.push_back(mount_point);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a > b; });
  return out;
}

// ---------------------------------------------------------------------------------------------------
CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         int timeout_ms) {
  CommandResult result;
  if (argv.empty()) return result;
  // memfds instead of pipes: a daemonizing grandchild (conmon) inheriting stdout cannot block us.
  int out_fd = memfd_create("stdout", MFD_CLOEXEC);
  int err_fd = memfd_create("stderr", MFD_CLOEXEC);
  if (out_fd < 0 || err_fd < 0) {
    result.err = Errno("memfd_create");
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    return result;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);

  std::vector<std::string> args = argv;
  std::vector<std::string> envs = BuildEnv(env);
  auto argp = CPtrs(args);
  auto envp = CPtrs(envs);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    result.err = "posix_spawn " + argv[0] + ": " + std::strerror(rc);
  } else {
    int status = WaitChild(pid, timeout_ms);
    if (status == -1) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      WaitChild(pid, 5000);
    } else if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    }
    auto slurp = [](int fd) {
      std::string s;
      char buf[65536];
      off_t off = 0;
      for (ssize_t n; (n = pread(fd, buf, sizeof(buf), off)) > 0; off += n) s.append(buf, n);
      return s;
    };
    result.out = slurp(out_fd);
    result.err = slurp(err_fd);
    if (result.timed_out) result.err += "\n[timed out after " + std::to_string(timeout_ms) + " ms]";
  }
  close(out_fd);
  close(err_fd);
  return result;
}

// ---------------------------------------------------------------------------------------------------
EngineWorkspace& EngineWorkspace::Get() {
  static EngineWorkspace ws;
  return ws;
}

EngineWorkspace::EngineWorkspace() {
  char tmpl[] = "/tmp/ct-engines.XXXXXX";
  if (!mkdtemp(tmpl)) {
    error_ = Errno("mkdtemp /tmp/ct-engines.XXXXXX");
    return;
  }
  dir_ = tmpl;
  chmod(dir_.c_str(), 0755);  // container processes may need to traverse storage paths
  rootfs_dir_ = dir_ + "/rootfs";
  rootfs_tar_ = dir_ + "/rootfs.tar";
  if (access(kBusyboxBin, X_OK) != 0) {
    error_ = "no /bin/busybox (install busybox-static)";
    return;
  }
  for (const char* sub : {"bin", "proc", "sys", "dev", "etc", "tmp"}) {
    if (!MakeDirs(rootfs_dir_ + "/" + sub)) {
      error_ = Errno("mkdir " + rootfs_dir_ + "/" + sub);
      return;
    }
  }
  std::string busybox = ReadFile(kBusyboxBin);
  if (busybox.empty() || !WriteFile(rootfs_dir_ + "/bin/busybox", busybox) ||
      chmod((rootfs_dir_ + "/bin/busybox").c_str(), 0755) != 0) {
    error_ = "cannot copy /bin/busybox into " + rootfs_dir_;
    return;
  }
  for (const char* applet : {"sh", "sleep", "cat", "ls", "echo", "ps", "id", "true", "false", "env", "kill",
                             "top", "wget", "hostname", "grep"}) {
    symlink("busybox", (rootfs_dir_ + "/bin/" + applet).c_str());
  }
  WriteFile(rootfs_dir_ + "/etc/passwd", "root:x:0:0:root:/:/bin/sh\n");
  WriteFile(rootfs_dir_ + "/etc/group", "root:x:0:\n");
  CommandResult tar =
      RunCommand({kTarBin, "--numeric-owner", "-C", rootfs_dir_, "-cf", rootfs_tar_, "."}, {}, 30000);
  if (!tar.ok()) error_ = "tar of the busybox rootfs failed: " + tar.err;
}

EngineWorkspace::~EngineWorkspace() {
  if (dir_.empty()) return;
  const char* keep = std::getenv("KEEP_ENGINE_WORKSPACE");
  if ((keep && *keep && std::string(keep) != "0") || users_ > 0) {
    std::fprintf(stderr, "[real_engines] keeping workspace %s%s\n", dir_.c_str(),
                 users_ > 0 ? " (engines still alive)" : "");
    return;
  }
  UnmountUnder(dir_);
  // FTW_MOUNT: never descend into something still mounted.
  nftw(dir_.c_str(), RemoveEntry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

std::string EngineWorkspace::NewSubdir(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string path = dir_ + "/" + prefix + "-" + std::to_string(++next_subdir_);
  MakeDirs(path);
  return path;
}

std::string EngineWorkspace::DockerArchive(std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!docker_archive_tried_) {
    docker_archive_tried_ = true;
    if (access(kPodmanBin, X_OK) != 0) {
      docker_archive_error_ = "podman not installed";
    } else {
      // A private vfs store: no mounts to clean up, and independent of any RealPodman instance.
      std::string b = dir_ + "/imagebuild";
      MakeDirs(b);
      WriteFile(b + "/containers.conf", "[engine]\nevents_logger = \"none\"\nlock_type = \"file\"\n");
      std::vector<std::string> env = {kEnginePath, "CONTAINERS_CONF=" + b + "/containers.conf",
                                      "CONTAINER_HOST", "CONTAINER_CONNECTION", "CONTAINERS_STORAGE_CONF"};
      std::vector<std::string> pre = {kPodmanBin, "--root",   b + "/storage",     "--runroot", b + "/run",
                                      "--tmpdir", b + "/tmp", "--storage-driver", "vfs"};
      auto cmd = [&](std::vector<std::string> tail) {
        std::vector<std::string> a = pre;
        a.insert(a.end(), tail.begin(), tail.end());
        return RunCommand(a, env, 60000);
      };
      std::string archive = dir_ + "/busybox-docker-archive.tar";
      CommandResult r =
          cmd({"import", "-q", "--change", "CMD [\"/bin/sh\"]", rootfs_tar_, "local/busybox:test"});
      if (r.ok()) r = cmd({"save", "--format", "docker-archive", "-o", archive, RealEngine::kImage});
      if (r.ok()) {
        docker_archive_ = archive;
      } else {
        docker_archive_error_ = "podman import/save for docker failed: " + Tail(r.err, 1500);
      }
    }
  }
  if (docker_archive_.empty() && error) *error = docker_archive_error_;
  return docker_archive_;
}

// ---------------------------------------------------------------------------------------------------
RealEngine::RealEngine(std::string dir) : dir_(std::move(dir)), log_path_(dir_ + "/daemon.log") {
  EngineWorkspace::Get().AddUser();
}

RealEngine::~RealEngine() {
  if (pid_ > 0) StopDaemon(5000);  // derived destructors normally did this already
  EngineWorkspace::Get().RemoveUser();
}

bool RealEngine::running() const {
  if (pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string RealEngine::LogTail(size_t max_bytes) const {
  return Tail(ReadFile(log_path_), max_bytes);
}

std::string RealEngine::Fail(const std::string& what) const {
  return std::string(name()) + ": " + what + "\n--- tail of " + log_path_ + " ---\n" + LogTail();
}

void RealEngine::SetError(const std::string& what, const CommandResult& r) {
  last_error_ = what + " (exit " + std::to_string(r.exit_code) + "): " + Trim(r.err);
}

bool RealEngine::SpawnAndWait(std::string* error) {
  auto t0 = Clock::now();
  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    if (error) *error = Errno("open " + log_path_);
    return false;
  }
  std::vector<std::string> argv = DaemonArgv();
  std::string banner = "=== [real_engines] starting:";
  for (const auto& a : argv) banner += " " + a;
  banner += "\n";
  (void)!write(log_fd, banner.data(), banner.size());

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own session: terminal signals to the test (Ctrl-C) do not hit the daemon half-way.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<std::string> envs = BuildEnv(Env());
  auto argp = CPtrs(argv);
  auto envp = CPtrs(envs);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(log_fd);
  if (rc != 0) {
    if (error) *error = std::string(name()) + ": posix_spawn " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  pid_ = pid;
  while (true) {
    if (!running()) {
      if (error) *error = Fail("daemon exited during startup");
      return false;
    }
    if (Ping()) break;
    if (MsSince(t0) > kPingBoundMs) {
      StopDaemon(2000);
      if (error) *error = Fail("no answer on " + socket_ + "/_ping within 20 s");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPingPollMs));
  }
  last_start_ms_ = MsSince(t0);
  ever_started_ = true;
  return true;
}

bool RealEngine::StopDaemon(int grace_ms) {
  if (!running()) return true;
  kill(pid_, SIGTERM);
  bool clean = WaitChild(pid_, grace_ms) != -1;
  if (!clean) {
    std::fprintf(stderr, "[real_engines] %s pid %d ignored SIGTERM for %d ms, sending SIGKILL\n", name(),
                 pid_, grace_ms);
    kill(pid_, SIGKILL);
    WaitChild(pid_, 10000);
  }
  pid_ = -1;
  return clean;
}

void RealEngine::Kill9() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  WaitChild(pid_, 10000);
  pid_ = -1;
}

bool RealEngine::Restart(std::string* error) {
  if (running()) {
    if (error) *error = std::string(name()) + ": still running (pid " + std::to_string(pid_) + ")";
    return false;
  }
  PrepareRestart();
  return SpawnAndWait(error);
}

int RealEngine::HttpGet(const std::string& path, std::string* body, int timeout_ms) const {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof(addr.sun_path)) {
    close(fd);
    return 0;
  }
  std::memcpy(addr.sun_path, socket_.c_str(), socket_.size() + 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return 0;
  }
  // HTTP/1.0: the server closes after the response, so EOF delimits it (no chunked encoding).
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return 0;
  }
  std::string resp;
  char buf[8192];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) resp.append(buf, n);
  close(fd);
  int status = 0;
  if (std::sscanf(resp.c_str(), "HTTP/%*d.%*d %d", &status) != 1) return 0;
  if (body) {
    size_t p = resp.find("\r\n\r\n");
    *body = p == std::string::npos ? "" : resp.substr(p + 4);
  }
  return status;
}

bool RealEngine::Run(const std::vector<std::string>& args, std::string* out, int timeout_ms) {
  CommandResult r = RunConcurrently(args, timeout_ms);
  if (!r.ok()) {
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    SetError(std::string(name()) + cmd, r);
    if (out) *out = r.err;
    return false;
  }
  if (out) *out = r.out;
  return true;
}

CommandResult RealEngine::RunConcurrently(const std::vector<std::string>& args, int timeout_ms) const {
  std::vector<std::string> argv = CliPrefix();
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, Env(), timeout_ms);
}

std::string RealEngine::CreateContainer(const std::string& name, const std::vector<std::string>& extra_args,
                                        bool start) {
  std::vector<std::string> args;
  if (start) {
    args = {"run", "-d"};
  } else {
    args = {"create"};
  }
  if (!name.empty()) args.insert(args.end(), {"--name", name});
  bool has_network = std::any_of(extra_args.begin(), extra_args.end(), [](const std::string& a) {
    return a == "--network" || a == "--net" || a.rfind("--network=", 0) == 0 || a.rfind("--net=", 0) == 0;
  });
  // No bridge/netavark: nothing on the host network stack changes.
  if (!has_network) args.insert(args.end(), {"--network", "none"});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  args.insert(args.end(), {kImage, "sleep", "1000"});
  std::string out;
  if (!Run(args, &out)) return "";
  std::vector<std::string> lines = Lines(out);
  if (lines.empty() || !IsHexId(lines.back())) {
    last_error_ = std::string(this->name()) + ": unexpected output of " + args[0] + ": " + out;
    return "";
  }
  return lines.back();
}

bool RealEngine::RemoveContainer(const std::string& id) {
  if (std::string(name()) == "podman") return Run({"rm", "-f", "-t", "0", id});
  return Run({"rm", "-f", id});
}

pid_t RealEngine::ContainerPid(const std::string& id) {
  std::string out;
  if (!Run({"container", "inspect", "--format", "{{.State.Pid}}", id}, &out)) return 0;
  return static_cast<pid_t>(std::atol(Trim(out).c_str()));
}

// ---------------------------------------------------------------------------------------------------
RealPodman::RealPodman(std::string dir) : RealEngine(std::move(dir)) {
  socket_ = dir_ + "/podman.sock";
  root_ = dir_ + "/storage";
  runroot_ = dir_ + "/run";
  tmpdir_ = dir_ + "/tmp";
  conf_ = dir_ + "/containers.conf";
}

std::vector<std::string> RealPodman::CliPrefix() const {
  return {kPodmanBin, "--root",           root_,    "--runroot", runroot_, "--tmpdir",
          tmpdir_,    "--storage-driver", "overlay"};
}

std::vector<std::string> RealPodman::DaemonArgv() const {
  std::vector<std::string> argv = CliPrefix();
  argv.insert(argv.end(), {"system", "service", "--time=0", "unix://" + socket_});
  return argv;
}

std::vector<std::string> RealPodman::Env() const {
  // Unset remote-connection and storage-conf overrides a developer may have in the environment.
  return {kEnginePath, "CONTAINERS_CONF=" + conf_, "CONTAINER_HOST", "CONTAINER_CONNECTION",
          "CONTAINERS_STORAGE_CONF"};
}

std::unique_ptr<RealPodman> RealPodman::Start(std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  if (access(kPodmanBin, X_OK) != 0) {
    *error = "podman: /usr/bin/podman not installed";
    return nullptr;
  }
  EngineWorkspace& ws = EngineWorkspace::Get();
  if (!ws.ok()) {
    *error = "podman: workspace: " + ws.error();
    return nullptr;
  }
  std::unique_ptr<RealPodman> p(new RealPodman(ws.NewSubdir("podman")));
  for (const auto& d : {p->root_, p->runroot_, p->tmpdir_}) MakeDirs(d);

  // No CAP_SYS_RESOURCE here: podman's default nofile=1048576 fails, and podman itself caps nproc at
  // 32768, so ask for no more than the hard limits we have. crun rejects the v1 hybrid layout: runc.
  rlimit nofile{}, nproc{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  getrlimit(RLIMIT_NPROC, &nproc);
  rlim_t nofile_max = nofile.rlim_max == RLIM_INFINITY ? 1048576 : std::min<rlim_t>(nofile.rlim_max, 1048576);
  rlim_t nproc_max = nproc.rlim_max == RLIM_INFINITY ? 32768 : std::min<rlim_t>(nproc.rlim_max, 32768);
  std::ostringstream conf;
  conf << "[containers]\n"
       << "default_ulimits = [\"nofile=" << nofile_max << ":" << nofile_max << "\", \"nproc=" << nproc_max
       << ":" << nproc_max << "\"]\n"
       << "netns = \"none\"\n"
       << "[engine]\n"
       << "runtime = \"runc\"\n"
       << "cgroup_manager = \"cgroupfs\"\n"
       << "events_logger = \"file\"\n"
       // shm locks live in the host-global /dev/shm/libpod_lock, and each fresh runroot "refreshes"
       // (frees all locks of) it, also under other running podman instances; file locks stay in tmpdir.
       << "lock_type = \"file\"\n";
  if (!WriteFile(p->conf_, conf.str())) {
    *error = "podman: cannot write " + p->conf_;
    return nullptr;
  }
  if (!p->SpawnAndWait(error)) return nullptr;
  double ping_ms = p->last_start_ms_;
  auto t0 = Clock::now();
  if (!p->Run({"import", "-q", "--change", "CMD [\"/bin/sh\"]", ws.rootfs_tar(), "local/busybox:test"})) {
    *error = p->Fail("image import failed: " + p->last_error_);
    return nullptr;
  }
  p->last_start_ms_ = ping_ms + MsSince(t0);
  return p;
}

RealPodman::~RealPodman() {
  // Container ids first: their cgroup dirs are cleaned below. The CLI works without the service.
  std::string out;
  std::vector<std::string> ids, pod_ids;
  if (Run({"ps", "-aq", "--no-trunc"}, &out)) ids = Lines(out);
  if (Run({"pod", "ps", "-q", "--no-trunc"}, &out)) pod_ids = Lines(out);
  // conmon and the containers outlive the service, so remove them before stopping it.
  if (!pod_ids.empty() && !Run({"pod", "rm", "-fa", "-t", "0"})) {
    std::fprintf(stderr, "[real_engines] %s\n", last_error_.c_str());
  }
  if (!ids.empty() && !Run({"rm", "-fa", "-t", "0"})) {
    std::fprintf(stderr, "[real_engines] %s\n", last_error_.c_str());
  }
  StopDaemon(10000);
  KillStragglers(dir_);
  UnmountUnder(dir_);  // podman leaves a self bind-mount on <root>/overlay
  std::vector<std::string> cg_dirs;
  for (const auto& id : ids) cg_dirs.push_back("libpod-" + id);
  for (const auto& id : pod_ids) cg_dirs.push_back(id);
  CleanupCgroups("libpod_parent", cg_dirs, {"conmon"});
}

// ---------------------------------------------------------------------------------------------------
RealDocker::RealDocker(std::string dir) : RealEngine(std::move(dir)) {
  socket_ = dir_ + "/docker.sock";
  data_root_ = dir_ + "/data";
  exec_root_ = dir_ + "/exec";
}

std::vector<std::string> RealDocker::DaemonArgv() const {
  std::vector<std::string> argv = {kDockerdBin, "--host", "unix://" + socket_, "--data-root", data_root_,
                                   "--exec-root", exec_root_, "--pidfile", dir_ + "/docker.pid",
                                   // No iptables rules, no docker0, and ip_forward stays as it is.
                                   "--iptables=false", "--ip6tables=false", "--ip-forward=false",
                                   "--bridge=none", "--storage-driver=" + storage_driver_};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  return argv;
}

std::vector<std::string> RealDocker::CliPrefix() const {
  return {kDockerBin};
}

std::vector<std::string> RealDocker::Env() const {
  return {kEnginePath,
          "DOCKER_HOST=unix://" + socket_,
          "DOCKER_CONFIG=" + dir_ + "/cli-config",
          "DOCKER_CONTEXT",
          "DOCKER_TLS_VERIFY",
          "DOCKER_CERT_PATH",
          "DOCKER_API_VERSION"};
}

void RealDocker::PrepareRestart() {
  // A SIGKILLed dockerd takes its containerd along (parent-death signal), but PID 1 on these machines
  // reaps orphans only after a second or so. dockerd trusts containerd.pid while the zombie exists and
  // then times out after 15 s waiting for it, so drop a stale pidfile.
  pid_t pid = containerd_pid();
  if (pid <= 0) return;
  if (Cmdline(pid).find(exec_root_) != std::string::npos) WaitGone(pid, 3000);
  if (!ProcessAlive(pid) || Cmdline(pid).find(exec_root_) == std::string::npos) {
    unlink((exec_root_ + "/containerd/containerd.pid").c_str());
  }
}

pid_t RealDocker::containerd_pid() const {
  return static_cast<pid_t>(std::atol(ReadFile(exec_root_ + "/containerd/containerd.pid").c_str()));
}

std::unique_ptr<RealDocker> RealDocker::Start(std::string* error, bool live_restore,
                                              const std::vector<std::string>& extra_daemon_args) {
  std::string ignored;
  if (!error) error = &ignored;
  if (access(kDockerdBin, X_OK) != 0 || access(kDockerBin, X_OK) != 0) {
    *error = "docker: /usr/sbin/dockerd or /usr/bin/docker not installed (docker.io)";
    return nullptr;
  }
  EngineWorkspace& ws = EngineWorkspace::Get();
  if (!ws.ok()) {
    *error = "docker: workspace: " + ws.error();
    return nullptr;
  }
  std::unique_ptr<RealDocker> d(new RealDocker(ws.NewSubdir("docker")));
  if (live_restore) d->extra_args_.push_back("--live-restore");
  d->extra_args_.insert(d->extra_args_.end(), extra_daemon_args.begin(), extra_daemon_args.end());
  // Built before dockerd starts so a slow archive build does not count against the daemon.
  std::string archive_error;
  std::string archive = ws.DockerArchive(&archive_error);
  auto t0 = Clock::now();
  if (!d->SpawnAndWait(error)) {
    std::string overlay_error = *error;
    d->storage_driver_ = "vfs";
    if (!d->SpawnAndWait(error)) {
      *error = "with overlay2: " + overlay_error + "\nwith vfs: " + *error;
      return nullptr;
    }
  }
  double ping_ms = MsSince(t0);
  auto t1 = Clock::now();
  bool loaded = !archive.empty() && d->Run({"load", "-q", "-i", archive});
  if (!loaded && !d->Run({"import", "-c", "CMD [\"/bin/sh\"]", ws.rootfs_tar(), kImage})) {
    *error = d->Fail("image load/import failed: " + d->last_error_ + " (archive: " + archive_error + ")");
    return nullptr;
  }
  d->last_start_ms_ = ping_ms + MsSince(t1);
  return d;
}

RealDocker::~RealDocker() {
  // Every container this daemon ever had is in the data-root, even when dockerd is gone.
  std::vector<std::string> known_ids;
  if (DIR* d = opendir((data_root_ + "/containers").c_str())) {
    while (dirent* e = readdir(d)) {
      if (IsHexId(e->d_name)) known_ids.push_back(e->d_name);
    }
    closedir(d);
  }
  // Containers can only be removed through dockerd; bring a killed one back. Without --live-restore
  // its restore would stop still-running containers with their 10 s timeout before answering, so
  // SIGKILL their processes (found through their cgroups) first.
  if (!running() && ever_started_) {
    CleanupCgroups("docker", known_ids, {});
    std::string ignored;
    Restart(&ignored);
  }
  std::vector<std::string> ids;
  std::string out;
  if (running() && Run({"ps", "-aq", "--no-trunc"}, &out)) ids = Lines(out);
  std::vector<std::string> cg_ids = known_ids;
  for (const auto& id : ids) {
    if (std::find(cg_ids.begin(), cg_ids.end(), id) == cg_ids.end()) cg_ids.push_back(id);
  }
  // On SIGTERM dockerd would stop running containers with their 10 s timeout: SIGKILL them first.
  if (!ids.empty()) {
    std::vector<std::string> rm = {"rm", "-f"};
    rm.insert(rm.end(), ids.begin(), ids.end());
    if (!Run(rm)) std::fprintf(stderr, "[real_engines] %s\n", last_error_.c_str());
  }
  pid_t containerd = containerd_pid();
  StopDaemon(15000);
  // dockerd stops its managed containerd; if it was SIGKILLed that containerd is orphaned.
  if (containerd > 0 && Cmdline(containerd).find(exec_root_) != std::string::npos) {
    kill(containerd, SIGTERM);
    if (!WaitGone(containerd, 5000)) kill(containerd, SIGKILL);
  }
  KillStragglers(dir_);
  UnmountUnder(dir_);
  CleanupCgroups("docker", cg_ids, {});
}

// ---------------------------------------------------------------------------------------------------
bool RequireRealEngines() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::vector<std::pair<std::string, std::string>> ProcessCgroups(pid_t pid) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/cgroup"));
  for (std::string line; std::getline(in, line);) {
    size_t a = line.find(':');
    size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    out.emplace_back(line.substr(a + 1, b - a - 1), line.substr(b + 1));
  }
  return out;
}

pid_t ContainerPid(RealEngine& engine, const std::string& id) {
  return engine.ContainerPid(id);
}

}  // namespace testengines
