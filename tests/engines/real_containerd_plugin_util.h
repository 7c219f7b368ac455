// Test support for the plugin tests against a real containerd with its CRI plugin (engine_plugin_tests):
// the fixture, pods made through the cri-pod-tool helper, and readers of what the plugin delivered.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engines/plugin_test_util.h"
#include "engines/real_containerd.h"
#include "engines/real_engines.h"
#include "engines/test_process_util.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace testengines {

// RealContainerd whose CRI pods are made and removed by cri-pod-tool.
class ToolContainerd : public RealContainerd {
 public:
  static std::unique_ptr<ToolContainerd> Start(std::string* error) { return StartAs<ToolContainerd>(error); }
  // Pods go through CRI before ~RealContainerd deletes whatever ctr still sees.
  ~ToolContainerd() override {
    if (PrepareCleanup() && !Tool({"remove-all-pods"}))
      std::fprintf(stderr, "[real_containerd] %s\n", last_error().c_str());
  }

  // Sandbox / container ids, "" (see last_error()) on failure.
  std::string RunPod(const std::string& name, const std::string& ns, const std::string& uid,
                     const std::map<std::string, std::string>& labels = {}) {
    std::vector<std::string> args = {"run-pod", name, ns, uid};
    for (const auto& [k, v] : labels) args.push_back(k + "=" + v);
    return ToolId(args);
  }
  // start false: created only, for StartPodContainer.
  std::string CreatePodContainer(const std::string& sandbox, const std::string& name,
                                 const std::map<std::string, std::string>& labels = {}, bool start = true) {
    std::vector<std::string> args = {"create-container"};
    if (!start) args.push_back("--no-start");
    args.insert(args.end(), {sandbox, name});
    for (const auto& [k, v] : labels) args.push_back(k + "=" + v);
    return ToolId(args);
  }
  bool StartPodContainer(const std::string& id) { return Tool({"start-container", id}); }
  bool RemovePodContainer(const std::string& id) { return Tool({"remove-container", id}); }
  bool RemovePod(const std::string& sandbox) { return Tool({"remove-pod", sandbox}); }

 private:
  friend class RealContainerd;
  using RealContainerd::RealContainerd;

  // `cri-pod-tool <socket> <args...>`; its stdout in *out. On failure last_error() has its stderr.
  bool Tool(const std::vector<std::string>& args, std::string* out = nullptr) {
    std::vector<std::string> argv = {CRI_POD_TOOL_PATH, socket()};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = RunCommand(argv, {}, 90000);
    if (!r.ok())
      set_last_error("cri-pod-tool " + args[0] + " (exit " + std::to_string(r.exit_code) + "): " + r.err);
    if (out != nullptr) *out = Trim(r.out);
    return r.ok();
  }
  // The id the tool printed; its cgroup (no cgroup parent: /k8s.io/<id>) is removed with the fixture.
  std::string ToolId(const std::vector<std::string>& args) {
    std::string id;
    if (!Tool(args, &id)) return "";
    RememberCgroup("/" + std::string(kCriNamespace) + "/" + id);
    return id;
  }
};

// The gRPC engines on the test's socket (containerd, and cri unless `with_cri` is false), nothing else.
inline std::string ConfigFor(const std::string& socket, const std::vector<std::string>& hooks,
                             bool with_cri = true) {
  const nlohmann::json on = {{"enabled", true}, {"sockets", {socket}}};
  const nlohmann::json off = {{"enabled", false}};
  return nlohmann::json{{"hooks", hooks},
                        {"engines",
                         {{"containerd", on},
                          {"cri", with_cri ? on : off},
                          {"docker", off},
                          {"podman", off},
                          {"lxc", off},
                          {"libvirt_lxc", off},
                          {"bpm", off},
                          {"static", off}}}}
      .dump();
}

// The "container" records among the async events the last pump delivered (the engines' own records,
// before the plugin merges them).
inline std::vector<nlohmann::json> DeliveredContainers(testhost::PluginHost& host) {
  std::vector<nlohmann::json> out;
  for (const auto& event : host.LastDeliveredAsyncEvents()) {
    auto decoded = testhost::events::DecodeAsyncEvent(event);
    if (!decoded || decoded->name != "container") continue;
    auto doc = nlohmann::json::parse(decoded->data.c_str(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && doc.contains("container") && doc["container"].is_object())
      out.push_back(doc["container"]);
  }
  return out;
}

// plugin_dump_state's record of one container; null if the cache lacks it.
inline nlohmann::json DumpedContainer(testhost::PluginHost& host, const std::string& full_id) {
  for (const auto& event : host.DumpState()) {
    auto decoded = testhost::events::DecodeAsyncEvent(event);
    if (!decoded) continue;
    auto doc = nlohmann::json::parse(decoded->data.c_str(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("container") || !doc["container"].is_object()) continue;
    if (doc["container"].value("full_id", "") == full_id) return doc["container"];
  }
  return nullptr;
}

class RealContainerdPluginFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    containerd_ = ToolContainerd::Start(&error);
    if (!containerd_) {
      // Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
      if (RequireRealEngines()) FAIL() << "containerd did not start:\n" << error;
      GTEST_SKIP() << "containerd did not start:\n" << error;
    }
  }

  std::unique_ptr<testhost::PluginHost> StartPlugin(const std::vector<std::string>& hooks = {"create"},
                                                    bool with_cri = true) {
    return LoadPlugin(ConfigFor(containerd_->socket(), hooks, with_cri));
  }

  // A thread of the task's init process in the host, tagged by the plugin from its real cgroups.
  bool AddTaskThread(testhost::PluginHost& host, const std::string& ns, const std::string& id, pid_t* pid) {
    *pid = containerd_->TaskPid(ns, id);
    if (*pid <= 0) {
      ADD_FAILURE() << "no running task " << ns << "/" << id << ": " << containerd_->last_error();
      return false;
    }
    const testhost::ThreadSpec thread = ThreadOfProcess(*pid, "/bin/sleep");
    if (thread.cgroups.empty()) {
      ADD_FAILURE() << "no cgroups for pid " << *pid;
      return false;
    }
    host.AddThread(thread);
    EXPECT_EQ(host.Parse(testhost::events::ExecveExit(*pid, 0)), SS_PLUGIN_SUCCESS);
    return true;
  }

  std::unique_ptr<ToolContainerd> containerd_;
};

// The CRI record of a container, told from containerd's native one: only the CRI decoder adds this label.
inline bool FromCri(const nlohmann::json& record) {
  return record.value("labels", nlohmann::json::object()).contains("io.kubernetes.sandbox.id");
}

}  // namespace testengines
