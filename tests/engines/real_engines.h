// Test support: real Docker and Podman daemons started by the test itself on private unix sockets,
// with private storage under a mkdtemp dir in /tmp, and stopped again by PID.
//
// Facts behind the flags (the machines the tests run on): no systemd, cgroup v1
// hybrid, no CAP_SYS_RESOURCE. Podman therefore runs with runc, explicit default_ulimits, netns none,
// the cgroupfs manager and file events; dockerd runs without iptables, ip forwarding or a bridge.
// Images are built locally from busybox-static; nothing is pulled from a registry.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace testengines {

// Result of a child process run to completion (or killed at its timeout).
struct CommandResult {
  int exit_code = -1;  // -1: could not spawn, killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs argv[0] (an absolute path) via posix_spawn with stdin from /dev/null and stdout/stderr captured
// through files (a daemonizing grandchild such as conmon may keep pipes open). `env` entries
// ("NAME=value") override the inherited environment. Never uses a shell.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                         int timeout_ms = 60000);

// A private scratch dir + a busybox rootfs, shared by the engines of one test program. Created on first
// use; removed at program exit (set KEEP_ENGINE_WORKSPACE=1 to keep it for debugging).
class EngineWorkspace {
 public:
  static EngineWorkspace& Get();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }
  // Directory tree with /bin/busybox and its applets, and a tar of it (an image without a registry).
  const std::string& rootfs_dir() const { return rootfs_dir_; }
  const std::string& rootfs_tar() const { return rootfs_tar_; }
  // A docker-archive of localhost/local/busybox:test made by `podman save` from a private vfs store.
  // Built once on first call; returns "" (and *error) when podman is missing or fails.
  std::string DockerArchive(std::string* error);
  // A fresh, unique subdirectory of dir() (e.g. "podman-1").
  std::string NewSubdir(const std::string& prefix);

  // Engines register so the workspace is not deleted under a leaked, still-running engine.
  void AddUser() { ++users_; }
  void RemoveUser() { --users_; }

  ~EngineWorkspace();
  EngineWorkspace(const EngineWorkspace&) = delete;
  EngineWorkspace& operator=(const EngineWorkspace&) = delete;

 private:
  EngineWorkspace();

  std::string dir_, rootfs_dir_, rootfs_tar_, error_;
  std::mutex mu_;
  std::string docker_archive_, docker_archive_error_;
  bool docker_archive_tried_ = false;
  int next_subdir_ = 0;
  std::atomic<int> users_{0};
};

// Common part of the two engines: one daemon process (our direct child, in its own session) answering
// GET /_ping on a private unix socket, plus the engine's CLI on the same socket/storage.
class RealEngine {
 public:
  static constexpr const char* kImage = "localhost/local/busybox:test";

  virtual ~RealEngine();
  RealEngine(const RealEngine&) = delete;
  RealEngine& operator=(const RealEngine&) = delete;

  virtual const char* name() const = 0;  // "podman" / "docker"
  const std::string& socket() const { return socket_; }
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }
  bool running() const;

  // Engine CLI against this daemon/storage; *out gets stdout (stderr on failure). False on failure.
  bool Run(const std::vector<std::string>& args, std::string* out = nullptr, int timeout_ms = 60000);
  // Engine CLI without touching this object's state, so several threads may
  // run it at once (bursts of containers).
  CommandResult RunConcurrently(const std::vector<std::string>& args, int timeout_ms = 60000) const;
  // `run -d` (or `create`) of kImage with `sleep 1000`, --network none unless extra_args choose one.
  // Returns the full id, "" on failure (see last_error()).
  std::string CreateContainer(const std::string& name, const std::vector<std::string>& extra_args = {},
                              bool start = true);
  bool RemoveContainer(const std::string& id);  // rm -f (kills with SIGKILL, no stop timeout)
  pid_t ContainerPid(const std::string& id);    // State.Pid, 0 if not running / unknown
  // kill -9 the daemon (containers keep running) / start it again on the same socket and storage.
  // RealDocker: only with live_restore (the default) do the containers survive the Restart.
  void Kill9();
  bool Restart(std::string* error);
  // Raw HTTP/1.0 GET over the socket; returns the status code (0 on I/O error), body in *body.
  int HttpGet(const std::string& path, std::string* body = nullptr, int timeout_ms = 2000) const;
  bool Ping() const { return HttpGet("/_ping") == 200; }

  std::string LogTail(size_t max_bytes = 3000) const;
  const std::string& last_error() const { return last_error_; }
  // Milliseconds the last Start/Restart took (until /_ping answered, plus the image import on Start).
  double last_start_ms() const { return last_start_ms_; }

 protected:
  explicit RealEngine(std::string dir);
  virtual std::vector<std::string> DaemonArgv() const = 0;
  virtual std::vector<std::string> CliPrefix() const = 0;  // binary + global flags
  virtual std::vector<std::string> Env() const = 0;
  virtual void PrepareRestart() {}
  // Spawns the daemon, waits for /_ping (20 ms poll, 20 s bound). On failure kills it and explains.
  bool SpawnAndWait(std::string* error);
  // SIGTERM, wait up to `grace_ms`, then SIGKILL; always reaps. Returns true if it exited on SIGTERM.
  bool StopDaemon(int grace_ms);
  void SetError(const std::string& what, const CommandResult& r);
  std::string Fail(const std::string& what) const;  // what + daemon log tail

  std::string dir_, socket_, log_path_, last_error_;
  mutable pid_t pid_ = -1;
  double last_start_ms_ = 0;
  bool ever_started_ = false;
};

class RealPodman : public RealEngine {
 public:
  // Starts `podman system service --time=0 unix://<dir>/podman.sock` with private --root/--runroot/
  // --tmpdir and a private CONTAINERS_CONF, waits for /_ping, imports localhost/local/busybox:test.
  // On failure returns nullptr and *error explains (with the daemon log tail).
  static std::unique_ptr<RealPodman> Start(std::string* error);
  // Removes all pods/containers (-f -t 0), stops the service by PID (SIGTERM, SIGKILL after a bound),
  // unmounts leftovers under its dir and removes the empty cgroup dirs of its containers.
  ~RealPodman() override;

  const char* name() const override { return "podman"; }
  const std::string& storage_root() const { return root_; }
  const std::string& containers_conf() const { return conf_; }
  // Where this podman writes its events (events_logger = "file" under --tmpdir).
  std::string events_log() const { return tmpdir_ + "/events/events.log"; }

 private:
  explicit RealPodman(std::string dir);
  std::vector<std::string> DaemonArgv() const override;
  std::vector<std::string> CliPrefix() const override;
  std::vector<std::string> Env() const override;

  std::string root_, runroot_, tmpdir_, conf_;
};

class RealDocker : public RealEngine {
 public:
  // Starts dockerd on unix://<dir>/docker.sock with private --data-root/--exec-root/--pidfile, no
  // iptables/bridge/ip-forward, overlay2 (vfs if overlay2 fails), then loads localhost/local/busybox:test
  // (docker-archive from podman, else `docker import` of the rootfs tar). `extra_daemon_args` are
  // appended. live_restore (default): containers survive Kill9 + Restart, and Restart is fast;
  // without it dockerd's restart stops the running containers (10 s for `sleep`) before answering.
  static std::unique_ptr<RealDocker> Start(std::string* error, bool live_restore = true,
                                           const std::vector<std::string>& extra_daemon_args = {});
  // Force-removes all containers, then SIGTERMs dockerd (it stops its own containerd) and waits.
  ~RealDocker() override;

  const char* name() const override { return "docker"; }
  const std::string& storage_driver() const { return storage_driver_; }
  pid_t containerd_pid() const;  // dockerd's managed containerd, 0 if unknown

 private:
  explicit RealDocker(std::string dir);
  std::vector<std::string> DaemonArgv() const override;
  std::vector<std::string> CliPrefix() const override;
  std::vector<std::string> Env() const override;
  void PrepareRestart() override;

  std::string data_root_, exec_root_, storage_driver_ = "overlay2";
  std::vector<std::string> extra_args_;
};

// True when CI=true: a daemon that fails to start must fail the test, never skip.
bool RequireRealEngines();

// The lines of /proc/<pid>/cgroup as (controllers, path), e.g. ("memory", "/docker/<id>"),
// ("name=systemd", ...), ("", ...) for the unified "0::" line. Empty if the process is gone.
std::vector<std::pair<std::string, std::string>> ProcessCgroups(pid_t pid);

// State.Pid of a container (via inspect), 0 if unknown.
pid_t ContainerPid(RealEngine& engine, const std::string& id);

// True if the process exists and is not a zombie (PID 1 here reaps orphans late).
bool ProcessAlive(pid_t pid);

// Leak checks: processes whose command line mentions `dir` (daemons, shims, conmon of an engine dir),
// and mount points at or under `dir` (deepest first).
std::vector<pid_t> ProcessesMentioning(const std::string& dir);
std::vector<std::string> MountsUnder(const std::string& dir);

}  // namespace testengines
