// Test support: a real containerd (with its CRI plugin) started by the test itself on a private unix
// socket, with private root/state/opt/CNI dirs under the EngineWorkspace, and stopped again by PID.
//
// Facts behind the config (the machines the tests run on): no systemd, cgroup v1
// hybrid, no CAP_SYS_RESOURCE. So the CRI plugin runs with restrict_oom_score_adj = true (the sandbox's
// oom_score_adj -998 needs CAP_SYS_RESOURCE), the cgroupfs driver, no CNI (host-network pods only), and a
// sandbox image imported locally (containerd would otherwise pull registry.k8s.io/pause).
// Images are built here as an OCI archive from the workspace's busybox rootfs; nothing is pulled.
//
// Not separate from the host: containerd 1.6 keeps shim sockets in /run/containerd/s, and `ctr containers
// create` (unlike `ctr run` and CRI, which use a private runc root) keeps runc state in
// /run/containerd/runc/<namespace>. Cgroups are host-wide: /<namespace>/<id> (ctr) and /k8s.io/<id> or
// <cgroup_parent>/<id> (CRI), so ctr ids should be unique per test program (see UniqueId()).
//
// This part drives containerd through `ctr` only and needs no protobuf code, so a binary that dlopens
// the plugin (which embeds the generated protos) can use it. CRI pods: RealContainerdCri
// (real_containerd_cri.h, our CriClient in-process) or the cri-pod-tool helper (a subprocess).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engines/real_engines.h"

namespace testengines {

class RealContainerd {
 public:
  // localhost/local/busybox:test (CMD /bin/sh) and the CRI sandbox image (CMD sleep 2147483647).
  static constexpr const char* kImage = "localhost/local/busybox:test";
  static constexpr const char* kPauseImage = "localhost/local/pause:test";
  static constexpr const char* kCriNamespace = "k8s.io";

  // Starts `containerd --config <dir>/config.toml` (config from `containerd config default` with private
  // paths), waits for `ctr version` to answer (20 s bound) and for ExtraReady, then imports kImage and
  // kPauseImage into the namespaces "k8s.io" and "default". nullptr + *error (with the daemon log tail)
  // on failure.
  static std::unique_ptr<RealContainerd> Start(std::string* error);
  // Kills/deletes all tasks and containers in every namespace (restarting a killed daemon for that; a
  // subclass removes its pods first), stops containerd by PID (SIGTERM, SIGKILL after 10 s), kills
  // leftover shims of this instance, unmounts leftovers under its dir and removes the cgroup dirs of its
  // containers (and their parents such as /default, /k8s.io, if empty).
  virtual ~RealContainerd();
  RealContainerd(const RealContainerd&) = delete;
  RealContainerd& operator=(const RealContainerd&) = delete;

  const char* name() const { return "containerd"; }
  const std::string& socket() const { return socket_; }  // absolute path, no unix:// prefix
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }
  bool running() const;
  std::string LogTail(size_t max_bytes = 3000) const;
  const std::string& last_error() const { return last_error_; }
  // Milliseconds the last Start (until `ctr version` answered, plus image imports) or Restart took.
  double last_start_ms() const { return last_start_ms_; }

  // `ctr --address <socket> <args...>`; *out gets stdout (stderr on failure). False on failure.
  bool Ctr(const std::vector<std::string>& args, std::string* out = nullptr, int timeout_ms = 60000);
  bool Ping() { return Ctr({"version"}, nullptr, 2000); }
  // `ctr -n <ns> images import` of both test images (done by Start for "default" and "k8s.io"; images
  // are per namespace, so CreateCtrContainer calls it for any other namespace on first use).
  bool ImportImages(const std::string& ns);
  // "<prefix>-<pid of the test program>-<counter>": ctr ids and cgroup paths are host-wide.
  static std::string UniqueId(const std::string& prefix);

  // --- plain containerd (ctr) ---------------------------------------------------------------------
  // start: `ctr -n <ns> run -d --fifo-dir … --runc-root … kImage <id> sleep 1000` (cgroup /<ns>/<id>);
  // else `ctr -n <ns> containers create` only (no task). Labels become container labels.
  bool CreateCtrContainer(const std::string& ns, const std::string& id, bool start = true,
                          const std::map<std::string, std::string>& labels = {});
  // `ctr -n <ns> run -d … <extra_args> kImage <id> <command>`, e.g. with `--mount` for a bind mount.
  // Several threads may call it at once (bursts) for a namespace Start already imported.
  bool RunCtrContainer(const std::string& ns, const std::string& id,
                       const std::vector<std::string>& extra_args, const std::vector<std::string>& command);
  bool StartCtrTask(const std::string& ns, const std::string& id);  // `tasks start -d` of a created one
  // kill -9 the task (if any), delete it once it exited, delete the container (and its snapshot).
  bool RemoveCtrContainer(const std::string& ns, const std::string& id);
  // Host pid of the task's init (`ctr tasks ls`), 0 if there is no running task. CRI containers and
  // sandboxes are tasks in namespace "k8s.io" under their 64-hex ids.
  pid_t TaskPid(const std::string& ns, const std::string& id);

  // kill -9 containerd (shims and containers keep running) / start it again on the same socket and
  // state; the CRI plugin and the shims reconnect.
  void Kill9();
  bool Restart(std::string* error);

 protected:
  explicit RealContainerd(std::string dir);
  // Start for a subclass T (which befriends RealContainerd): T(dir), then the daemon and the images.
  template <class T>
  static std::unique_ptr<T> StartAs(std::string* error) {
    std::string dir = NewInstanceDir(error);
    if (dir.empty()) return nullptr;
    std::unique_ptr<T> c(new T(std::move(dir)));
    if (!c->Launch(error)) return nullptr;
    return c;
  }
  // Hooks of the spawn in Start/Restart: OnSpawn right after it, ExtraReady polled once `ctr version`
  // answers until it returns true (*why: what is still missing).
  virtual void OnSpawn() {}
  virtual bool ExtraReady(std::string* /*why*/) { return true; }
  // First step of a subclass destructor that removes things through the daemon: brings a killed daemon
  // back and remembers the cgroup of every live task (for the cleanup of failed removals). False if the
  // daemon does not run.
  bool PrepareCleanup();
  // A cgroup path ("/k8s.io/<id>") to remove, with its empty parents, when the fixture goes away.
  void RememberCgroup(const std::string& path) {
    std::lock_guard lock(mu_);
    cgroups_.insert(path);
  }
  void set_last_error(std::string error) {
    std::lock_guard lock(mu_);
    last_error_ = std::move(error);
  }

 private:
  // Checks binaries and workspace, builds the image archive; a fresh instance dir, "" on failure.
  static std::string NewInstanceDir(std::string* error);
  bool Launch(std::string* error);
  bool WriteConfig(std::string* error);
  bool SpawnAndWait(std::string* error);
  bool StopDaemon(int grace_ms);  // SIGTERM, then SIGKILL; true if it exited on SIGTERM
  std::string Fail(const std::string& what) const;
  std::vector<std::string> CtrArgv(const std::vector<std::string>& args) const;
  bool CtrNs(const std::string& ns, std::vector<std::string> args, std::string* out = nullptr);
  void RemoveEverything();
  void CleanupCgroups();

  std::string dir_, socket_, log_path_, config_path_, fifo_dir_, runc_root_, last_error_;
  mutable pid_t pid_ = -1;
  double last_start_ms_ = 0;
  bool ever_started_ = false;
  std::set<std::string> imported_namespaces_;
  // Every cgroup path ("/default/<id>", "/k8s.io/<id>", ...) this instance may have created, for the
  // cleanup after a failed removal.
  std::set<std::string> cgroups_;
  // Guards cgroups_ and last_error_, which concurrent container starts (bursts) both write.
  std::mutex mu_;
};

}  // namespace testengines
