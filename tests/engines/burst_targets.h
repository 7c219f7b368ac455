// Real engines driven in bursts, shared by the burst tests (engine_tests) and engine_burst_bench: one
// interface over RealDocker, RealPodman, plain containerd (ctr) and CRI pods on RealContainerdCri, so a
// scenario ("20 containers 100 ms apart", "50 at once") is written once for all four.
//
// Links the generated protos (CRI pods go through our CriClient in-process), so it is for binaries that
// never load the plugin .so; they run the engines themselves through CreateEngines, exactly as the plugin
// builds them, on a sink of their own (burst_sink.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace testengines {

// What every record of a container must tell from its first exec on.
struct ExpectedFacts {
  std::string name;
  std::string pod_name, pod_namespace;  // CRI pods only; empty otherwise
};

// A container's command and bind mounts instead of `sleep 1000` (the bench runs first_exec_stamp).
struct ContainerCommand {
  struct Bind {
    std::string host, container;
    bool read_only = true;
  };
  std::vector<std::string> argv;  // empty: sleep 1000
  std::vector<Bind> binds;
};

struct StartedContainer {
  std::string id;  // full id, "" on failure
  ExpectedFacts expected;
  std::string error;
};

class BurstTarget {
 public:
  virtual ~BurstTarget() = default;
  virtual const char* kind() const = 0;  // "docker", "podman", "containerd", "cri"
  // Init config (plugin JSON) enabling only this target's watchers on its private socket.
  virtual std::string PluginConfigJson() const = 0;
  const std::string& socket() const { return socket_; }  // the daemon's private socket
  // A scratch dir inside the daemon's private dir (removed with it).
  virtual std::string ScratchDir() const = 0;
  // Creates and starts one container; several threads may call it at once. `tag` makes the name.
  virtual StartedContainer Start(const std::string& tag, const ContainerCommand& command = {}) = 0;
  // Deletes the containers (kill, no stop timeout); false and *error if any removal failed.
  virtual bool Remove(const std::vector<std::string>& ids, std::string* error) = 0;

 protected:
  explicit BurstTarget(std::string socket) : socket_(std::move(socket)) {}

 private:
  std::string socket_;
};

// Starts the daemon of `kind` on a private socket. nullptr and *error on failure.
std::unique_ptr<BurstTarget> StartBurstTarget(const std::string& kind, std::string* error);

// Runs start(i) for i in [0, n), each on its own thread, the i-th `spacing` after the (i-1)-th was
// launched (0: all at once, like a node reboot). Returns once all have finished, results by index.
std::vector<StartedContainer> RunBurst(int n, std::chrono::milliseconds spacing,
                                       const std::function<StartedContainer(int)>& start);

}  // namespace testengines
