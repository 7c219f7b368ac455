#include "engines/real_containerd.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "engines/test_process_util.h"

extern char** environ;

namespace testengines {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kContainerdBin = "/usr/bin/containerd";
constexpr const char* kCtrBin = "/usr/bin/ctr";
constexpr const char* kShimBin = "/usr/bin/containerd-shim-runc-v2";
constexpr const char* kSha256sumBin = "/usr/bin/sha256sum";
constexpr const char* kTarBin = "/bin/tar";
// Fixed PATH so containerd finds Debian's shim and runc; CONTAINERD_* from a developer's shell must not
// redirect ctr (we always pass --address and -n) or change its snapshotter.
const std::vector<std::string> kCtrEnv = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "CONTAINERD_ADDRESS",
                                          "CONTAINERD_NAMESPACE", "CONTAINERD_SNAPSHOTTER"};

constexpr int kReadyPollMs = 20;
constexpr int kReadyBoundMs = 20000;

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Waits up to timeout_ms for our child to exit and reaps it. False on timeout.

std::string GoArch() {
  utsname u{};
  uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  return m;
}

std::string Sha256Of(const std::string& path, std::string* error) {
  CommandResult r = RunCommand({kSha256sumBin, path}, {}, 30000);
  std::string hex = r.out.substr(0, 64);
  if (!r.ok() || hex.size() != 64) {
    *error = "sha256sum " + path + " failed: " + r.err;
    return "";
  }
  return hex;
}

// Writes `data` as a blob of the OCI layout `layout`; returns its descriptor fields.
bool AddBlob(const std::string& layout, const std::string& data, std::string* digest, size_t* size,
             std::string* error) {
  std::string tmp = layout + "/blob.tmp";
  if (!WriteFile(tmp, data)) {
    *error = "cannot write " + tmp;
    return false;
  }
  std::string hex = Sha256Of(tmp, error);
  if (hex.empty()) return false;
  if (rename(tmp.c_str(), (layout + "/blobs/sha256/" + hex).c_str()) != 0) {
    *error = "rename blob: " + std::string(std::strerror(errno));
    return false;
  }
  *digest = "sha256:" + hex;
  *size = data.size();
  return true;
}

// An OCI archive with two images over the workspace's busybox rootfs layer (uncompressed): kImage
// (CMD /bin/sh) and kPauseImage (CMD sleep 2147483647), named by io.containerd.image.name. Built
// once per test program; no podman needed.
std::string ImagesArchive(std::string* error) {
  static std::mutex mu;
  static std::string archive, archive_error;
  static bool tried = false;
  std::lock_guard<std::mutex> lock(mu);
  if (tried) {
    if (archive.empty()) *error = archive_error;
    return archive;
  }
  tried = true;
  EngineWorkspace& ws = EngineWorkspace::Get();
  std::string layout = ws.NewSubdir("containerd-images");
  auto fail = [&](const std::string& what) {
    archive_error = "building the OCI image archive: " + what;
    *error = archive_error;
    return std::string();
  };
  if (!MakeDirs(layout + "/oci/blobs/sha256")) return fail("mkdir " + layout + "/oci/blobs/sha256");
  const std::string oci = layout + "/oci";

  std::string err;
  std::string layer_hex = Sha256Of(ws.rootfs_tar(), &err);
  if (layer_hex.empty()) return fail(err);
  struct stat st {};
  if (stat(ws.rootfs_tar().c_str(), &st) != 0) return fail("stat " + ws.rootfs_tar());
  const std::string layer_digest = "sha256:" + layer_hex;
  const std::string layer_path = oci + "/blobs/sha256/" + layer_hex;
  // A hard link: same filesystem, no copy of busybox.
  if (link(ws.rootfs_tar().c_str(), layer_path.c_str()) != 0 && errno != EEXIST) {
    return fail("link layer: " + std::string(std::strerror(errno)));
  }
  const std::string arch = GoArch();
  std::string manifests;
  for (const auto& [name, cmd] : std::vector<std::pair<std::string, std::string>>{
           {RealContainerd::kImage, R"(["/bin/sh"])"},
           {RealContainerd::kPauseImage, R"(["/bin/sleep","2147483647"])"}}) {
    std::string config = R"({"architecture":")" + arch +
                         R"(","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":)" +
                         cmd + R"(},"rootfs":{"type":"layers","diff_ids":[")" + layer_digest + R"("]}})";
    std::string config_digest, manifest_digest;
    size_t config_size = 0, manifest_size = 0;
    if (!AddBlob(oci, config, &config_digest, &config_size, &err)) return fail(err);
    std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                           config_digest + R"(","size":)" + std::to_string(config_size) +
                           R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
                           layer_digest + R"(","size":)" + std::to_string(st.st_size) + "}]}";
    if (!AddBlob(oci, manifest, &manifest_digest, &manifest_size, &err)) return fail(err);
    if (!manifests.empty()) manifests += ",";
    manifests += R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + manifest_digest +
                 R"(","size":)" + std::to_string(manifest_size) +
                 R"(,"annotations":{"io.containerd.image.name":")" + name +
                 R"(","org.opencontainers.image.ref.name":"test"},"platform":{"architecture":")" + arch +
                 R"(","os":"linux"}})";
  }
  if (!WriteFile(oci + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})") ||
      !WriteFile(oci + "/index.json", R"({"schemaVersion":2,"manifests":[)" + manifests + "]}")) {
    return fail("cannot write index.json/oci-layout");
  }
  const std::string tar_path = layout + "/images-oci.tar";
  CommandResult tar = RunCommand(
      {kTarBin, "--numeric-owner", "-C", oci, "-cf", tar_path, "oci-layout", "index.json", "blobs"}, {},
      30000);
  if (!tar.ok()) return fail("tar: " + tar.err);
  archive = tar_path;
  return archive;
}

// Removes the cgroup dir of one of our containers, children first. Only reached when containerd's own
// removal failed, so whatever still runs in it is ours and gets SIGKILL.

// The cgroup path of a process as the memory (or unified) line names it; "" if gone.
std::string CgroupPathOf(pid_t pid) {
  std::string unified;
  for (const auto& [controllers, path] : ProcessCgroups(pid)) {
    if (controllers == "memory") return path;
    if (controllers.empty()) unified = path;
  }
  return unified;
}

std::atomic<int> unique_counter{0};

}  // namespace

// ---------------------------------------------------------------------------------------------------
std::string RealContainerd::UniqueId(const std::string& prefix) {
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++unique_counter);
}

RealContainerd::RealContainerd(std::string dir)
    : dir_(std::move(dir)),
      socket_(dir_ + "/containerd.sock"),
      log_path_(dir_ + "/daemon.log"),
      config_path_(dir_ + "/config.toml"),
      fifo_dir_(dir_ + "/fifo"),
      runc_root_(dir_ + "/runc") {
  EngineWorkspace::Get().AddUser();
}

bool RealContainerd::running() const {
  if (pid_ <= 0) return false;
  pid_t r = waitpid(pid_, nullptr, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string RealContainerd::LogTail(size_t max_bytes) const {
  std::string s = ReadFile(log_path_);
  if (s.size() <= max_bytes) return s;
  size_t from = s.size() - max_bytes;
  size_t nl = s.find('\n', from);  // start at a line boundary when possible
  return "..." + s.substr(nl != std::string::npos && nl + 1 < s.size() ? nl + 1 : from);
}

std::string RealContainerd::Fail(const std::string& what) const {
  return std::string("containerd: ") + what + "\n--- tail of " + log_path_ + " ---\n" + LogTail();
}

bool RealContainerd::WriteConfig(std::string* error) {
  CommandResult def = RunCommand({kContainerdBin, "config", "default"}, kCtrEnv, 30000);
  if (!def.ok()) {
    *error = "containerd: `containerd config default` failed: " + def.err;
    return false;
  }
  // Line edits of the default config, each of which must apply exactly once (a changed default
  // config format must fail loudly, not silently use /var/lib/containerd or pull the pause image).
  struct Edit {
    std::string match;        // prefix of the trimmed line
    std::string section;      // required enclosing [section] header prefix, "" for any
    std::string replacement;  // the new trimmed line
    int applied = 0;
  };
  std::vector<Edit> edits = {
      {"root = ", "", "root = \"" + dir_ + "/root\""},
      {"state = ", "", "state = \"" + dir_ + "/state\""},
      {"address = ", "[grpc]", "address = \"" + socket_ + "\""},
      {"path = \"/opt/containerd\"", "", "path = \"" + dir_ + "/opt\""},
      {"bin_dir = ", "[plugins.\"io.containerd.grpc.v1.cri\".cni]", "bin_dir = \"" + dir_ + "/cni/bin\""},
      {"conf_dir = ", "[plugins.\"io.containerd.grpc.v1.cri\".cni]", "conf_dir = \"" + dir_ + "/cni/net.d\""},
      {"sandbox_image = ", "", "sandbox_image = \"" + std::string(kPauseImage) + "\""},
      // The sandbox's oom_score_adj -998 needs CAP_SYS_RESOURCE, which root lacks here.
      {"restrict_oom_score_adj = ", "", "restrict_oom_score_adj = true"},
      // Private runc state for CRI containers instead of /run/containerd/runc.
      {"Root = ", "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]",
       "Root = \"" + runc_root_ + "\""},
  };
  std::ostringstream out;
  std::string section;
  std::istringstream in(def.out);
  for (std::string raw; std::getline(in, raw);) {
    std::string line = Trim(raw);
    if (!line.empty() && line[0] == '[') section = line;
    // root/state only as top-level keys (before the first [section]).
    bool top_level = section.empty();
    std::string indent = raw.substr(0, raw.find_first_not_of(" \t"));
    std::string replaced = raw;
    for (Edit& e : edits) {
      if (line.rfind(e.match, 0) != 0) continue;
      if ((e.match == "root = " || e.match == "state = ") && !top_level) continue;
      if (!e.section.empty() && section != e.section) continue;
      replaced = indent + e.replacement;
      ++e.applied;
      break;
    }
    out << replaced << "\n";
  }
  for (const Edit& e : edits) {
    if (e.applied != 1) {
      *error = "containerd: default config: `" + e.match + "` " +
               (e.section.empty() ? "" : "in " + e.section) + " matched " + std::to_string(e.applied) +
               " times, expected once";
      return false;
    }
  }
  if (!WriteFile(config_path_, out.str())) {
    *error = "containerd: cannot write " + config_path_;
    return false;
  }
  return true;
}

std::vector<std::string> RealContainerd::CtrArgv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kCtrBin, "--address", socket_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

bool RealContainerd::Ctr(const std::vector<std::string>& args, std::string* out, int timeout_ms) {
  CommandResult r = RunCommand(CtrArgv(args), kCtrEnv, timeout_ms);
  if (!r.ok()) {
    std::string cmd = "ctr";
    for (const auto& a : args) cmd += " " + a;
    set_last_error(cmd + " (exit " + std::to_string(r.exit_code) + "): " + Trim(r.err));
    if (out) *out = r.err;
    return false;
  }
  if (out) *out = r.out;
  return true;
}

bool RealContainerd::CtrNs(const std::string& ns, std::vector<std::string> args, std::string* out) {
  args.insert(args.begin(), {"-n", ns});
  return Ctr(args, out);
}

bool RealContainerd::SpawnAndWait(std::string* error) {
  auto t0 = Clock::now();
  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *error = "containerd: open " + log_path_ + ": " + std::strerror(errno);
    return false;
  }
  std::vector<std::string> argv = {kContainerdBin, "--config", config_path_};
  std::string banner = "=== [real_containerd] starting: " + argv[0] + " --config " + config_path_ + "\n";
  (void)!write(log_fd, banner.data(), banner.size());

  // Environment: ours, minus CONTAINERD_*, with a fixed PATH (shim + runc from Debian).
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    if (entry.rfind("PATH=", 0) == 0 || entry.rfind("CONTAINERD_", 0) == 0) continue;
    env.push_back(entry);
  }
  env.push_back(kCtrEnv[0]);
  std::vector<char*> argp, envp;
  for (auto& s : argv) argp.push_back(s.data());
  argp.push_back(nullptr);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own session: a Ctrl-C of the test does not hit the daemon half-way through its cleanup.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(log_fd);
  if (rc != 0) {
    *error = "containerd: posix_spawn: " + std::string(std::strerror(rc));
    return false;
  }
  pid_ = pid;
  ever_started_ = true;
  OnSpawn();

  // Ready = `ctr version` answers, and then whatever the subclass waits for (ExtraReady).
  bool ctr_ok = false;
  std::string last;
  while (true) {
    if (!running()) {
      *error = Fail("daemon exited during startup");
      return false;
    }
    if (!ctr_ok) {
      ctr_ok = Ping();
      if (!ctr_ok) last = last_error_;
    }
    if (ctr_ok && ExtraReady(&last)) break;
    if (MsSince(t0) > kReadyBoundMs) {
      StopDaemon(2000);
      *error = Fail("not ready on " + socket_ + " within 20 s (" + last + ")");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kReadyPollMs));
  }
  last_start_ms_ = MsSince(t0);
  return true;
}

bool RealContainerd::StopDaemon(int grace_ms) {
  if (!running()) return true;
  kill(pid_, SIGTERM);
  bool clean = WaitChild(pid_, grace_ms) != -1;
  if (!clean) {
    std::fprintf(stderr, "[real_containerd] pid %d ignored SIGTERM for %d ms, sending SIGKILL\n", pid_,
                 grace_ms);
    kill(pid_, SIGKILL);
    WaitChild(pid_, 10000);
  }
  pid_ = -1;
  return clean;
}

std::string RealContainerd::NewInstanceDir(std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  for (const char* bin : {kContainerdBin, kCtrBin, kShimBin}) {
    if (access(bin, X_OK) != 0) {
      *error = std::string("containerd: ") + bin + " not installed (package containerd)";
      return "";
    }
  }
  if (access("/usr/sbin/runc", X_OK) != 0 && access("/usr/bin/runc", X_OK) != 0) {
    *error = "containerd: runc not installed";
    return "";
  }
  EngineWorkspace& ws = EngineWorkspace::Get();
  if (!ws.ok()) {
    *error = "containerd: workspace: " + ws.error();
    return "";
  }
  // Built before the daemon starts so it does not count against its start time.
  if (ImagesArchive(error).empty()) {
    *error = "containerd: " + *error;
    return "";
  }
  return ws.NewSubdir("containerd");
}

std::unique_ptr<RealContainerd> RealContainerd::Start(std::string* error) {
  return StartAs<RealContainerd>(error);
}

bool RealContainerd::Launch(std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  for (const char* sub : {"/root", "/state", "/opt", "/cni/bin", "/cni/net.d", "/fifo", "/runc"}) {
    if (!MakeDirs(dir_ + sub)) {
      *error = "containerd: mkdir " + dir_ + sub + ": " + std::strerror(errno);
      return false;
    }
  }
  if (!WriteConfig(error)) return false;
  auto t0 = Clock::now();
  if (!SpawnAndWait(error)) return false;
  // k8s.io first: the CRI plugin learns about imported images from events, asynchronously, and the
  // sandbox image must be known to it before the first RunPodSandbox (or it would try to pull it).
  for (const char* ns : {kCriNamespace, "default"}) {
    if (!ImportImages(ns)) {
      *error = Fail("image import failed: " + last_error_);
      return false;
    }
  }
  last_start_ms_ = MsSince(t0);
  return true;
}

bool RealContainerd::ImportImages(const std::string& ns) {
  std::string error;
  std::string archive = ImagesArchive(&error);
  if (archive.empty()) {
    last_error_ = error;
    return false;
  }
  if (!CtrNs(ns, {"images", "import", archive})) return false;
  imported_namespaces_.insert(ns);
  return true;
}

// ---------------------------------------------------------------------------------------------------
bool RealContainerd::CreateCtrContainer(const std::string& ns, const std::string& id, bool start,
                                        const std::map<std::string, std::string>& labels) {
  std::vector<std::string> label_args;
  for (const auto& [k, v] : labels) label_args.insert(label_args.end(), {"--label", k + "=" + v});
  if (start) return RunCtrContainer(ns, id, label_args, {"sleep", "1000"});
  if (!imported_namespaces_.count(ns) && !ImportImages(ns)) return false;
  // `containers create` takes neither --fifo-dir nor --runc-root; runc state goes to /run/containerd/runc.
  std::vector<std::string> args = {"containers", "create"};
  args.insert(args.end(), label_args.begin(), label_args.end());
  args.insert(args.end(), {kImage, id, "sleep", "1000"});
  RememberCgroup("/" + ns + "/" + id);
  return CtrNs(ns, args);
}

bool RealContainerd::RunCtrContainer(const std::string& ns, const std::string& id,
                                     const std::vector<std::string>& extra_args,
                                     const std::vector<std::string>& command) {
  if (!imported_namespaces_.count(ns) && !ImportImages(ns)) return false;
  // --fifo-dir/--runc-root: keep the IO fifos and runc state out of the host-wide /run/containerd.
  std::vector<std::string> args = {"run", "-d", "--fifo-dir", fifo_dir_, "--runc-root", runc_root_};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  args.insert(args.end(), {kImage, id});
  args.insert(args.end(), command.begin(), command.end());
  RememberCgroup("/" + ns + "/" + id);
  return CtrNs(ns, args);
}

bool RealContainerd::StartCtrTask(const std::string& ns, const std::string& id) {
  return CtrNs(ns, {"tasks", "start", "-d", "--fifo-dir", fifo_dir_, id});
}

bool RealContainerd::RemoveCtrContainer(const std::string& ns, const std::string& id) {
  if (TaskPid(ns, id) > 0) CtrNs(ns, {"tasks", "kill", "-s", "SIGKILL", id});
  std::string out;
  if (CtrNs(ns, {"tasks", "ls", "-q"}, &out)) {
    auto tasks = Lines(out);
    if (std::find(tasks.begin(), tasks.end(), id) != tasks.end()) {
      // The task exits asynchronously after SIGKILL; delete refuses a running one.
      auto t0 = Clock::now();
      while (!CtrNs(ns, {"tasks", "delete", id})) {
        if (MsSince(t0) > 10000) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  return CtrNs(ns, {"containers", "delete", id});
}

pid_t RealContainerd::TaskPid(const std::string& ns, const std::string& id) {
  std::string out;
  if (!CtrNs(ns, {"tasks", "ls"}, &out)) return 0;
  // TASK  PID  STATUS
  for (const auto& line : Lines(out)) {
    auto w = Words(line);
    if (w.size() >= 3 && w[0] == id && w[2] == "RUNNING") return static_cast<pid_t>(std::atol(w[1].c_str()));
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
void RealContainerd::Kill9() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  WaitChild(pid_, 10000);
  pid_ = -1;
}

bool RealContainerd::Restart(std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  if (running()) {
    *error = "containerd: still running (pid " + std::to_string(pid_) + ")";
    return false;
  }
  return SpawnAndWait(error);
}

bool RealContainerd::PrepareCleanup() {
  // Tasks, containers and pods can only be removed through the daemon; bring a killed one back.
  if (!running() && ever_started_) {
    std::string error;
    if (!Restart(&error))
      std::fprintf(stderr, "[real_containerd] restart for cleanup failed: %s\n", error.c_str());
  }
  if (!running()) return false;
  std::string out;
  if (!Ctr({"namespaces", "ls", "-q"}, &out)) return true;
  // Remember where every live task sits, in case its removal fails and the cgroup stays.
  for (const auto& ns : Lines(out)) {
    if (!CtrNs(ns, {"tasks", "ls"}, &out)) continue;
    for (const auto& line : Lines(out)) {
      auto w = Words(line);
      if (w.size() < 2 || w[0] == "TASK") continue;
      std::string path = CgroupPathOf(static_cast<pid_t>(std::atol(w[1].c_str())));
      if (!path.empty() && path != "/") cgroups_.insert(path);
    }
  }
  return true;
}

void RealContainerd::RemoveEverything() {
  // A subclass with CRI pods removed them already (through CRI, which would otherwise keep sandboxes
  // whose containers ctr deleted under it).
  if (!PrepareCleanup()) return;
  std::string out;
  std::vector<std::string> namespaces;
  if (Ctr({"namespaces", "ls", "-q"}, &out)) namespaces = Lines(out);
  for (const auto& ns : namespaces) {
    std::vector<std::string> tasks, containers;
    if (CtrNs(ns, {"tasks", "ls", "-q"}, &out)) tasks = Lines(out);
    for (const auto& t : tasks) CtrNs(ns, {"tasks", "kill", "-s", "SIGKILL", t});
    for (const auto& t : tasks) {
      auto t0 = Clock::now();
      while (!CtrNs(ns, {"tasks", "delete", t})) {
        if (MsSince(t0) > 10000) {
          std::fprintf(stderr, "[real_containerd] %s\n", last_error_.c_str());
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (CtrNs(ns, {"containers", "ls", "-q"}, &out)) containers = Lines(out);
    for (const auto& c : containers) {
      if (!CtrNs(ns, {"containers", "delete", c}))
        std::fprintf(stderr, "[real_containerd] %s\n", last_error_.c_str());
    }
  }
}

void RealContainerd::CleanupCgroups() {
  for (const auto& h : CgroupHierarchies()) {
    for (const auto& path : cgroups_) {
      RemoveCgroupTree(h + path);
      // Then the parents (/default, /k8s.io, /kubepods/...) while they are empty. rmdir of a cgroup
      // only succeeds when it has no children and no processes, so nothing in use is touched.
      for (std::string p = path.substr(0, path.rfind('/')); !p.empty(); p = p.substr(0, p.rfind('/'))) {
        if (rmdir((h + p).c_str()) != 0 && errno != ENOENT) break;
      }
    }
  }
}

RealContainerd::~RealContainerd() {
  RemoveEverything();
  StopDaemon(10000);
  // Shims of this instance carry `-address <dir>/containerd.sock`; after their task was deleted they
  // exit by themselves. Whatever is left means the orderly removal failed: kill it by PID.
  auto t0 = Clock::now();
  std::vector<pid_t> left;
  while (!(left = ProcessesMentioning(dir_)).empty() && MsSince(t0) < 3000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (pid_t p : left) {
    std::fprintf(stderr, "[real_containerd] killing leftover pid %d: %s\n", p, Cmdline(p).c_str());
    kill(p, SIGKILL);
  }
  for (pid_t p : left) WaitGone(p, 2000);
  for (const auto& m : MountsUnder(dir_)) umount2(m.c_str(), MNT_DETACH);
  CleanupCgroups();
  EngineWorkspace::Get().RemoveUser();
}

}  // namespace testengines
