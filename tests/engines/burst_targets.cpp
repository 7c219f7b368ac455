#include "engines/burst_targets.h"

#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "engines/cri_pod_ops.h"
#include "engines/real_containerd_cri.h"
#include "engines/real_engines.h"
#include "engines/test_process_util.h"

namespace testengines {
namespace {

namespace cri = ::runtime::v1;
using nlohmann::json;

// Pods the CRI target spreads its containers over: more than one, so that a record carrying another
// pod's name is caught, and few, because each sandbox costs two runc runs on a 2-core machine.
constexpr int kCriPods = 3;

// The init config with `on` watchers enabled on `socket` and every other engine off.
json EnginesOnly(const std::vector<std::string>& on, const std::string& socket) {
  json engines = json::object();
  for (const char* kind : {"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc", "bpm", "static"})
    engines[kind] = {{"enabled", false}};
  for (const auto& kind : on) engines[kind] = {{"enabled", true}, {"sockets", {socket}}};
  return {{"engines", engines}};
}

std::vector<std::string> Argv(const ContainerCommand& command) {
  return command.argv.empty() ? std::vector<std::string>{"sleep", "1000"} : command.argv;
}

// dockerd and the podman service, driven through their CLIs as users do (`run -d`).
class CliTarget : public BurstTarget {
 public:
  explicit CliTarget(std::unique_ptr<RealEngine> engine)
      : BurstTarget(engine->socket()), engine_(std::move(engine)) {}

  const char* kind() const override { return engine_->name(); }
  std::string PluginConfigJson() const override {
    json config = EnginesOnly({kind()}, socket());
    // The log the service writes, as the real-podman tests give it: the bursts measure the watcher,
    // not the discovery of its log.
    if (auto* podman = dynamic_cast<RealPodman*>(engine_.get()))
      config["engines"]["podman"]["events_logs"] = {podman->events_log()};
    return config.dump();
  }
  std::string ScratchDir() const override { return engine_->dir(); }

  StartedContainer Start(const std::string& tag, const ContainerCommand& command) override {
    StartedContainer out;
    out.expected.name = tag;
    std::vector<std::string> args = {"run", "-d", "--name", tag, "--network", "none"};
    for (const auto& bind : command.binds)
      args.insert(args.end(), {"-v", bind.host + ":" + bind.container + (bind.read_only ? ":ro" : "")});
    args.push_back(RealEngine::kImage);
    for (const auto& arg : Argv(command)) args.push_back(arg);
    const CommandResult r = engine_->RunConcurrently(args);
    const std::vector<std::string> lines = Lines(r.out);
    if (r.ok() && !lines.empty() && lines.back().size() == 64) {
      out.id = lines.back();
    } else {
      out.error = std::string(kind()) + " run " + tag + ": " + r.err + r.out;
    }
    return out;
  }

  bool Remove(const std::vector<std::string>& ids, std::string* error) override {
    // One `rm -f` for all: podman's -t 0 skips the stop timeout that `rm -f` would otherwise wait.
    std::vector<std::string> args = {"rm", "-f"};
    if (kind() == std::string("podman")) args.insert(args.end(), {"-t", "0"});
    args.insert(args.end(), ids.begin(), ids.end());
    const CommandResult r = engine_->RunConcurrently(args);
    if (!r.ok()) *error = std::string(kind()) + " rm: " + r.err;
    return r.ok();
  }

 private:
  std::unique_ptr<RealEngine> engine_;
};

// Removes each id through remove(id) on its own thread; the errors joined.
bool RemoveConcurrently(const std::vector<std::string>& ids,
                        const std::function<bool(const std::string&, std::string*)>& remove,
                        std::string* error) {
  std::mutex mu;
  std::vector<std::thread> threads;
  for (const auto& id : ids) {
    threads.emplace_back([&, id] {
      std::string why;
      if (remove(id, &why)) return;
      std::lock_guard lock(mu);
      *error += why + "\n";
    });
  }
  for (auto& t : threads) t.join();
  return error->empty();
}

// containerd's own containers (`ctr run -d`) in namespace "default": the name is the id.
class CtrTarget : public BurstTarget {
 public:
  explicit CtrTarget(std::unique_ptr<RealContainerd> containerd)
      : BurstTarget(containerd->socket()), containerd_(std::move(containerd)) {}

  const char* kind() const override { return "containerd"; }
  std::string PluginConfigJson() const override { return EnginesOnly({"containerd"}, socket()).dump(); }
  std::string ScratchDir() const override { return containerd_->dir(); }

  StartedContainer Start(const std::string& tag, const ContainerCommand& command) override {
    StartedContainer out;
    // ctr ids (and so their cgroups) are host-wide: unique per test program.
    const std::string id = tag + "-" + std::to_string(getpid());
    std::vector<std::string> args;
    for (const auto& bind : command.binds) {
      args.insert(args.end(), {"--mount", "type=bind,src=" + bind.host + ",dst=" + bind.container +
                                              ",options=rbind:" + (bind.read_only ? "ro" : "rw")});
    }
    if (containerd_->RunCtrContainer("default", id, args, Argv(command))) {
      out.id = id;
      out.expected.name = id;
    } else {
      out.error = containerd_->last_error();
    }
    return out;
  }

  bool Remove(const std::vector<std::string>& ids, std::string* error) override {
    return RemoveConcurrently(
        ids,
        [&](const std::string& id, std::string* why) {
          if (containerd_->RemoveCtrContainer("default", id)) return true;
          *why = "ctr remove " + id + ": " + containerd_->last_error();
          return false;
        },
        error);
  }

 private:
  std::unique_ptr<RealContainerd> containerd_;
};

// Kubernetes pods through containerd's CRI plugin: both the containerd and the cri watchers on, as the
// plugin runs on a node. Container i goes to pod i % kCriPods; pods are made up front (sequentially).
class CriTarget : public BurstTarget {
 public:
  static std::unique_ptr<CriTarget> Launch(std::string* error) {
    auto containerd = RealContainerdCri::Start(error);
    if (!containerd) return nullptr;
    std::unique_ptr<CriTarget> target(new CriTarget(std::move(containerd)));
    const std::string pid = std::to_string(getpid());
    for (int p = 0; p < kCriPods; ++p) {
      Pod pod{"burst-pod-" + std::to_string(p), "burst-ns-" + std::to_string(p) + "-" + pid, {}, {}};
      pod.config = HostNetworkPodConfig(pod.name, pod.ns, "uid-" + pod.name + "-" + pid);
      pod.sandbox = target->containerd_->RunHostNetworkPod(pod.name, pod.ns, pod.config.metadata().uid());
      if (pod.sandbox.empty()) {
        *error = "RunPodSandbox: " + target->containerd_->last_error();
        return nullptr;
      }
      target->pods_.push_back(std::move(pod));
    }
    return target;
  }

  const char* kind() const override { return "cri"; }
  std::string PluginConfigJson() const override {
    return EnginesOnly({"containerd", "cri"}, socket()).dump();
  }
  std::string ScratchDir() const override { return containerd_->dir(); }

  StartedContainer Start(const std::string& tag, const ContainerCommand& command) override {
    const Pod& pod = pods_[next_pod_++ % pods_.size()];
    StartedContainer out;
    out.expected = {tag, pod.name, pod.ns};
    cri::CreateContainerRequest request = PodContainerRequest(pod.sandbox, pod.config, tag);
    cri::ContainerConfig* config = request.mutable_config();
    if (!command.argv.empty()) {
      config->clear_command();
      config->clear_args();
      config->add_command(command.argv.front());
      for (size_t i = 1; i < command.argv.size(); ++i) config->add_args(command.argv[i]);
    }
    for (const auto& bind : command.binds) {
      cri::Mount* mount = config->add_mounts();
      mount->set_host_path(bind.host);
      mount->set_container_path(bind.container);
      mount->set_readonly(bind.read_only);
    }
    // The client is made before the first burst (see the constructor): cri() is then only read.
    out.id = CreateAndStartContainer(containerd_->cri(), request, &out.error);
    return out;
  }

  bool Remove(const std::vector<std::string>& ids, std::string* error) override {
    return RemoveConcurrently(
        ids,
        [&](const std::string& id, std::string* why) { return RemoveContainer(containerd_->cri(), id, why); },
        error);
  }

 private:
  struct Pod {
    std::string name, ns;
    cri::PodSandboxConfig config;
    std::string sandbox;
  };

  explicit CriTarget(std::unique_ptr<RealContainerdCri> containerd)
      : BurstTarget(containerd->socket()), containerd_(std::move(containerd)) {
    containerd_->cri();  // creates the shared client now, before any thread uses it
  }

  std::unique_ptr<RealContainerdCri> containerd_;
  std::vector<Pod> pods_;
  std::atomic<size_t> next_pod_{0};
};

}  // namespace

std::unique_ptr<BurstTarget> StartBurstTarget(const std::string& kind, std::string* error) {
  if (kind == "docker" || kind == "podman") {
    std::unique_ptr<RealEngine> engine;
    if (kind == "docker") {
      engine = RealDocker::Start(error);
    } else {
      engine = RealPodman::Start(error);
    }
    if (!engine) return nullptr;
    return std::make_unique<CliTarget>(std::move(engine));
  }
  if (kind == "containerd") {
    auto containerd = RealContainerd::Start(error);
    if (!containerd) return nullptr;
    return std::make_unique<CtrTarget>(std::move(containerd));
  }
  if (kind == "cri") return CriTarget::Launch(error);
  *error = "unknown engine kind " + kind;
  return nullptr;
}

std::vector<StartedContainer> RunBurst(int n, std::chrono::milliseconds spacing,
                                       const std::function<StartedContainer(int)>& start) {
  std::vector<StartedContainer> results(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && spacing.count() > 0) std::this_thread::sleep_for(spacing);
    threads.emplace_back([&, i] { results[i] = start(i); });
  }
  for (auto& t : threads) t.join();
  return results;
}

}  // namespace testengines
