// Test support: a real containerd (with its CRI plugin) started by the test itself on a private unix
// socket, with private root/state/opt/CNI dirs under the EngineWorkspace, and stopped again by PID.
//
// Facts behind the config (see /work/shared/research/engines-on-this-machine.md): no systemd, cgroup v1
// hybrid, no CAP_SYS_RESOURCE. So the CRI plugin runs with restrict_oom_score_adj = true (the sandbox's
// oom_score_adj -998 needs CAP_SYS_RESOURCE), the cgroupfs driver, no CNI (host-network pods only), and a
// sandbox image imported locally (containerd would otherwise pull registry.k8s.io/pause).
// Images are built here as an OCI archive from the workspace's busybox rootfs; nothing is pulled.
//
// Not separate from the host: containerd 1.6 keeps shim sockets in /run/containerd/s, and `ctr containers
// create` (unlike `ctr run` and CRI, which use a private runc root) keeps runc state in
// /run/containerd/runc/<namespace>. Cgroups are host-wide: /<namespace>/<id> (ctr) and /k8s.io/<id> or
// <cgroup_parent>/<id> (CRI), so ctr ids should be unique per test program (see UniqueId()).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engines/cri/cri_client.h"
#include "engines/real_engines.h"

namespace testengines {

class RealContainerd {
 public:
  // localhost/local/busybox:test (CMD /bin/sh) and the CRI sandbox image (CMD sleep 2147483647).
  static constexpr const char* kImage = "localhost/local/busybox:test";
  static constexpr const char* kPauseImage = "localhost/local/pause:test";
  static constexpr const char* kCriNamespace = "k8s.io";

  // Starts `containerd --config <dir>/config.toml` (config from `containerd config default` with private
  // paths), waits for `ctr version` to answer (20 s bound), then imports kImage and kPauseImage into the
  // namespaces "default" and "k8s.io". nullptr + *error (with the daemon log tail) on failure.
  static std::unique_ptr<RealContainerd> Start(std::string* error);
  // Removes all pods (CRI) and kills/deletes all tasks and containers in every namespace (restarting a
  // killed daemon for that), stops containerd by PID (SIGTERM, SIGKILL after 10 s), kills leftover shims
  // of this instance, unmounts leftovers under its dir and removes the cgroup dirs of its containers
  // (and their parents such as /default, /k8s.io, if empty).
  ~RealContainerd();
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
  bool StartCtrTask(const std::string& ns, const std::string& id);  // `tasks start -d` of a created one
  // kill -9 the task (if any), delete it once it exited, delete the container (and its snapshot).
  bool RemoveCtrContainer(const std::string& ns, const std::string& id);
  // Host pid of the task's init (`ctr tasks ls`), 0 if there is no running task. CRI containers and
  // sandboxes are tasks in namespace "k8s.io" under their 64-hex ids.
  pid_t TaskPid(const std::string& ns, const std::string& id);

  // --- CRI (runtime.v1 over the same socket, through our own CriClient) ----------------------------
  libcontainer::CriClient& cri();
  // A pod with network/pid namespace NODE/CONTAINER (no CNI here) and no hostname (host UTS). An empty
  // cgroup_parent puts the sandbox at /k8s.io/<sandbox id>. Returns the sandbox id, "" on failure.
  std::string RunHostNetworkPod(const std::string& name, const std::string& ns, const std::string& uid,
                                const std::map<std::string, std::string>& labels = {},
                                const std::string& cgroup_parent = "");
  // CreateContainer (kImage, `sleep 1000`, host network like its pod) + StartContainer. Returns the
  // container id, "" on failure (a created but unstartable container is removed again).
  std::string CreateAndStartPodContainer(const std::string& sandbox_id, const std::string& name,
                                         const std::map<std::string, std::string>& labels = {});
  bool RemovePodContainer(const std::string& container_id);  // StopContainer(timeout 0) + Remove
  // Stops/removes every container of the pod, then StopPodSandbox + RemovePodSandbox.
  bool RemovePod(const std::string& sandbox_id);

  // kill -9 containerd (shims and containers keep running) / start it again on the same socket and
  // state; the CRI plugin and the shims reconnect.
  void Kill9();
  bool Restart(std::string* error);

 private:
  explicit RealContainerd(std::string dir);
  bool WriteConfig(std::string* error);
  bool SpawnAndWait(std::string* error);
  bool StopDaemon(int grace_ms);  // SIGTERM, then SIGKILL; true if it exited on SIGTERM
  std::string Fail(const std::string& what) const;
  std::vector<std::string> CtrArgv(const std::vector<std::string>& args) const;
  bool CtrNs(const std::string& ns, std::vector<std::string> args, std::string* out = nullptr);
  void RemoveEverything();
  void CleanupCgroups();
  // Sandbox ids/config per pod (CreateContainer needs the pod config) and the cgroup dirs used.
  struct Pod {
    runtime::v1::PodSandboxConfig config;
    std::string cgroup_parent;  // as the cgroup dirs name it: "/k8s.io" when the request had none
  };

  std::string dir_, socket_, log_path_, config_path_, fifo_dir_, runc_root_, last_error_;
  mutable pid_t pid_ = -1;
  double last_start_ms_ = 0;
  bool ever_started_ = false;
  std::unique_ptr<libcontainer::CriClient> cri_;
  std::map<std::string, Pod> pods_;
  std::set<std::string> imported_namespaces_;
  // Every cgroup path ("/default/<id>", "/k8s.io/<id>", ...) this instance may have created, for the
  // cleanup after a failed removal.
  std::set<std::string> cgroups_;
};

}  // namespace testengines
