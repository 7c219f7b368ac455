#include "engines/churn_engines.h"

#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "engines/real_containerd.h"
#include "engines/real_engines.h"
#include "engines/test_process_util.h"

namespace testengines {
namespace {

using nlohmann::json;

// dockerd and the podman service through their CLIs, as users drive them.
class CliChurnEngine : public ChurnEngine {
 public:
  explicit CliChurnEngine(std::unique_ptr<RealEngine> engine) : engine_(std::move(engine)) {}

  const char* kind() const override { return engine_->name(); }
  bool podman() const { return kind() == std::string("podman"); }
  bool cli_without_daemon() const override { return podman(); }
  bool names_are_ids() const override { return false; }
  std::string EngineConfigJson() const override {
    json config = {{"enabled", true}, {"sockets", {engine_->socket()}}};
    // The log the service writes, as the other real-podman tests give it.
    if (podman()) config["events_logs"] = {static_cast<RealPodman&>(*engine_).events_log()};
    return config.dump();
  }
  std::string CgroupOf(const std::string& id) const override {
    return podman() ? "/libpod_parent/libpod-" + id : "/docker/" + id;
  }
  std::string NameFor(int n) const override { return "churn-" + std::to_string(n); }

  std::string Create(const std::string& name, bool start, std::string* error) override {
    std::vector<std::string> args;
    if (start) {
      args = {"run", "-d"};
    } else {
      args = {"create"};
    }
    args.insert(args.end(), {"--name", name, "--network", "none", RealEngine::kImage, "sleep", "1000"});
    const CommandResult r = engine_->RunConcurrently(args);
    const std::vector<std::string> lines = Lines(r.out);
    if (r.ok() && !lines.empty() && lines.back().size() == 64) return lines.back();
    *error = std::string(kind()) + " " + args[0] + " " + name + ": " + Trim(r.err + r.out);
    return "";
  }

  bool Remove(const std::string& id_or_name, std::string* error) override {
    // podman's -t 0: no stop timeout before the kill.
    std::vector<std::string> args = {"rm", "-f"};
    if (podman()) args.insert(args.end(), {"-t", "0"});
    args.push_back(id_or_name);
    const CommandResult r = engine_->RunConcurrently(args);
    if (!r.ok()) *error = std::string(kind()) + " rm " + id_or_name + ": " + Trim(r.err);
    return r.ok();
  }

  bool List(std::vector<std::string>* ids, std::string* error) override {
    const CommandResult r = engine_->RunConcurrently({"ps", "-a", "-q", "--no-trunc"});
    if (!r.ok()) {
      *error = std::string(kind()) + " ps: " + Trim(r.err);
      return false;
    }
    *ids = Lines(r.out);
    return true;
  }

  void Kill9() override { engine_->Kill9(); }
  bool Restart(std::string* error) override { return engine_->Restart(error); }

 private:
  std::unique_ptr<RealEngine> engine_;
};

// containerd's own containers through ctr, in namespace "default": the name is the id.
class CtrChurnEngine : public ChurnEngine {
 public:
  explicit CtrChurnEngine(std::unique_ptr<RealContainerd> containerd) : containerd_(std::move(containerd)) {}

  const char* kind() const override { return "containerd"; }
  bool cli_without_daemon() const override { return false; }
  bool names_are_ids() const override { return true; }
  std::string EngineConfigJson() const override {
    return json{{"enabled", true}, {"sockets", {containerd_->socket()}}}.dump();
  }
  std::string CgroupOf(const std::string& id) const override {
    return "/" + std::string(kNamespace) + "/" + id;
  }
  // "00042c123456": the slot first, so the first 12 characters differ; the pid keeps ids (and their
  // cgroups, which are host-wide) apart from other test programs.
  std::string NameFor(int n) const override {
    char id[64];
    std::snprintf(id, sizeof(id), "%05dc%d", n, static_cast<int>(getpid()));
    return id;
  }

  std::string Create(const std::string& name, bool start, std::string* error) override {
    if (containerd_->CreateCtrContainer(kNamespace, name, start)) return name;
    *error = "ctr create " + name + " failed";
    return "";
  }

  bool Remove(const std::string& id_or_name, std::string* error) override {
    if (containerd_->RemoveCtrContainer(kNamespace, id_or_name)) return true;
    *error = "ctr remove " + id_or_name + " failed";
    return false;
  }

  bool List(std::vector<std::string>* ids, std::string* error) override {
    std::string out;
    if (!containerd_->Ctr({"-n", kNamespace, "containers", "ls", "-q"}, &out)) {
      *error = "ctr containers ls: " + Trim(out);
      return false;
    }
    *ids = Lines(out);
    return true;
  }

  void Kill9() override { containerd_->Kill9(); }
  bool Restart(std::string* error) override { return containerd_->Restart(error); }

 private:
  static constexpr const char* kNamespace = "default";
  std::unique_ptr<RealContainerd> containerd_;
};

}  // namespace

std::unique_ptr<ChurnEngine> StartChurnEngine(const std::string& kind, std::string* error) {
  if (kind == "docker") {
    auto docker = RealDocker::Start(error);
    return docker ? std::make_unique<CliChurnEngine>(std::move(docker)) : nullptr;
  }
  if (kind == "podman") {
    auto podman = RealPodman::Start(error);
    return podman ? std::make_unique<CliChurnEngine>(std::move(podman)) : nullptr;
  }
  if (kind == "containerd") {
    auto containerd = RealContainerd::Start(error);
    return containerd ? std::make_unique<CtrChurnEngine>(std::move(containerd)) : nullptr;
  }
  *error = "unknown engine kind " + kind;
  return nullptr;
}

std::string ChurnPluginConfig(const std::vector<std::unique_ptr<ChurnEngine>>& engines,
                              const std::string& log_level) {
  json config = {{"hooks", {"create"}}, {"log_level", log_level}, {"engines", json::object()}};
  for (const char* kind : {"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc", "bpm", "static"})
    config["engines"][kind] = {{"enabled", false}};
  for (const auto& engine : engines)
    config["engines"][engine->kind()] = json::parse(engine->EngineConfigJson());
  return config.dump();
}

}  // namespace testengines
