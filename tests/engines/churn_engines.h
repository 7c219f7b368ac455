// The real daemons a churn run drives (dockerd, the podman service, containerd with plain ctr
// containers), behind one interface: create, remove, list, kill -9 and restart, so that the churn
// (tests/engines/churn_run.h) is written once for all three. Started on private sockets by
// real_engines.h and real_containerd.h, which need no protobuf code: the churn runs the plugin .so in
// the test host.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace testengines {

class ChurnEngine {
 public:
  virtual ~ChurnEngine() = default;
  virtual const char* kind() const = 0;  // "docker", "podman", "containerd"
  // Whether its CLI works while the daemon is down (podman's does: it needs no service).
  virtual bool cli_without_daemon() const = 0;
  // This engine's part of the plugin's init config: {"enabled":true,"sockets":[...], ...}.
  virtual std::string EngineConfigJson() const = 0;
  // The cgroup a process of container `id` has, as the cgroupfs layout of this engine names it.
  virtual std::string CgroupOf(const std::string& id) const = 0;
  // Whether a name is the container's id (ctr), so that reusing a name reuses the id.
  virtual bool names_are_ids() const = 0;
  // The name of container slot `n` (an id for ctr: the plugin keys containers by the first 12
  // characters of it, which must therefore differ between slots).
  virtual std::string NameFor(int n) const = 0;

  // Creates (and with `start` starts) a `sleep` container named `name`; its full id, "" on failure.
  // Several threads may call these at once.
  virtual std::string Create(const std::string& name, bool start, std::string* error) = 0;
  // Removes (kills first) container `id_or_name`; false on failure.
  virtual bool Remove(const std::string& id_or_name, std::string* error) = 0;
  // Full ids of every container the engine has (any state); false if it did not answer.
  virtual bool List(std::vector<std::string>* ids, std::string* error) = 0;

  // SIGKILL the daemon by PID (its containers keep running) / start it again on the same socket.
  virtual void Kill9() = 0;
  virtual bool Restart(std::string* error) = 0;
};

// Starts the daemon of `kind` on a private socket; nullptr and *error on failure.
std::unique_ptr<ChurnEngine> StartChurnEngine(const std::string& kind, std::string* error);

// The plugin's init config with `engines` on their sockets, every other engine off, the create hook
// and `log_level`.
std::string ChurnPluginConfig(const std::vector<std::unique_ptr<ChurnEngine>>& engines,
                              const std::string& log_level);

}  // namespace testengines
