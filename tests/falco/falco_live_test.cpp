// Real Falco capturing live (modern eBPF probe) with our plugin and real
// dockerd / podman started by the test: a container's first exec must
// already carry its name and image (SPEC §10.2), also when containers start
// in a burst, and containers that existed before Falco must be known from
// Falco's first events (engine_timeout).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/real_engines.h"
#include "engines/test_process_util.h"
#include "falco/falco_runner.h"

namespace {

using nlohmann::json;
using testengines::RealDocker;
using testengines::RealEngine;
using testengines::RealPodman;

constexpr int kBurst = 20;
constexpr auto kBurstSpacing = std::chrono::milliseconds(100);
constexpr const char* kRuleName = "libcontainer live test - exec in a container";

// The official rules give the macros; every official rule is disabled so
// that Falco only collects what our one rule needs.
constexpr const char* kRules = R"(
- rule: libcontainer live test - exec in a container
  desc: every process spawned in a container
  condition: spawned_process and container.id != host
  output: exec in container (id=%container.id name=%container.name repo=%container.image.repository
    start=%container.start_ts
    proc_mount=%container.mount.dest[/proc*] proc=%proc.name cmdline=%proc.cmdline time=%evt.rawtime)
  priority: WARNING
)";

constexpr const char* kOnlyOurRule = R"(rules:
  - disable:
      rule: "*"
  - enable:
      rule: "libcontainer live test - exec in a container"
rule_matching: all
)";

std::string Field(const json& alert, const char* name) {
  const auto& fields = alert.at("output_fields");
  auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return "<NA>";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool Set(const std::string& value) {
  return !value.empty() && value != "<NA>" && value != "N/A";
}

class FalcoLive : public testfalco::WithFalco<::testing::TestWithParam<std::string>> {
 protected:
  void SetUp() override {
    WithFalco::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (geteuid() != 0) {
      if (testfalco::RequireFalco()) FAIL() << "live capture needs root (CI=true)";
      GTEST_SKIP() << "live capture needs root";
    }
    std::string error;
    if (GetParam() == "docker") {
      engine_ = RealDocker::Start(&error);
    } else {
      engine_ = RealPodman::Start(&error);
    }
    if (engine_ == nullptr) {
      if (testengines::RequireRealEngines()) FAIL() << GetParam() << " did not start:\n" << error;
      GTEST_SKIP() << GetParam() << " did not start:\n" << error;
    }
  }

  std::string InitConfig() const {
    const bool docker = GetParam() == "docker";
    json config = {{"log_level", "info"},
                   {"engines",
                    {{"docker", {{"enabled", docker}, {"sockets", {engine_->socket()}}}},
                     {"podman", {{"enabled", !docker}, {"sockets", {engine_->socket()}}}},
                     {"containerd", {{"enabled", false}}},
                     {"cri", {{"enabled", false}}}}}};
    // No events_logs for podman: the plugin finds the service's log itself
    // (the fixture's podman keeps it under a private --tmpdir).
    return config.dump();
  }

  std::unique_ptr<RealEngine> engine_;
};

TEST_P(FalcoLive, FirstExecOfEveryContainerInABurstHasItsMetadata) {
  // Made before Falco starts: the listing must bring it in (engine_timeout).
  // The official rules' glob key container.mount.dest[/proc*] names the
  // destination of a mount whose source matches /proc*: the host's /proc at
  // /host/proc here, not the other mount whose destination starts so.
  const std::string data_dir = engine_->dir() + "/proc-data";
  ASSERT_TRUE(testengines::MakeDirs(data_dir));
  const std::string existing = engine_->CreateContainer(
      "existed-before-falco", {"-v", data_dir + ":/proc-data:ro", "-v", "/proc:/host/proc:ro"});
  ASSERT_FALSE(existing.empty()) << engine_->last_error();

  testfalco::FalcoWorkdir workdir;
  testfalco::FalcoSettings settings;
  settings.init_config = InitConfig();
  settings.rules_files = {falco().rules_dir + "/falco_rules.yaml", workdir.Write("live_rules.yaml", kRules)};
  settings.extra_yaml = kOnlyOurRule;
  const std::string config = workdir.WriteConfig(settings);
  std::string error;
  auto falco_process = testfalco::LiveFalco::Start(falco(), workdir, config, &error);
  ASSERT_NE(falco_process, nullptr) << error;

  // Falco is ready when an exec in the pre-existing container gives an alert;
  // that alert must already name the container.
  const auto ready_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  json ready_alert;
  while (ready_alert.is_null() && std::chrono::steady_clock::now() < ready_deadline) {
    if (!falco_process->running()) {
      // Falco alone cannot run live on such a kernel: say so loudly (CI prints
      // the LIVE lines) rather than blame the plugin; any other exit fails.
      if (const auto why = testfalco::ProbeRejectedByKernel(falco_process->Stderr())) {
        std::cout << "[ LIVE     ] " << GetParam() << ": not run: " << *why << "\n";
        GTEST_SKIP() << *why;
      }
    }
    ASSERT_TRUE(falco_process->running()) << "falco exited:\n" << falco_process->Stderr();
    engine_->RunConcurrently({"exec", existing, "true"});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (const auto& alert : testfalco::JsonLines(falco_process->Stdout())) {
      if (alert.value("rule", "") == kRuleName && Field(alert, "container.id") == existing.substr(0, 12)) {
        ready_alert = alert;
        break;
      }
    }
  }
  ASSERT_FALSE(ready_alert.is_null()) << "no alert for an exec in a running container:\n"
                                      << falco_process->Stderr();
  EXPECT_EQ(Field(ready_alert, "container.name"), "existed-before-falco") << ready_alert.dump();
  EXPECT_TRUE(Set(Field(ready_alert, "container.image.repository"))) << ready_alert.dump();
  EXPECT_EQ(Field(ready_alert, "container.mount.dest[/proc*]"), "/host/proc") << ready_alert.dump();
  EXPECT_TRUE(Set(Field(ready_alert, "container.start_ts"))) << ready_alert.dump();

  // The burst: each `run -d` on its own thread, started 100 ms apart.
  std::vector<std::string> ids(kBurst);
  std::vector<std::string> failures;
  std::mutex mu;
  std::vector<std::thread> starters;
  for (int i = 0; i < kBurst; ++i) {
    starters.emplace_back([&, i] {
      auto r = engine_->RunConcurrently({"run", "-d", "--name", "burst-" + std::to_string(i), "--network",
                                         "none", RealEngine::kImage, "sleep", "1000"});
      std::lock_guard lock(mu);
      auto lines = testengines::Lines(r.out);
      if (r.ok() && !lines.empty()) {
        ids[i] = lines.back();
      } else {
        failures.push_back("burst-" + std::to_string(i) + ": " + r.err);
      }
    });
    std::this_thread::sleep_for(kBurstSpacing);
  }
  for (auto& t : starters) t.join();
  ASSERT_TRUE(failures.empty()) << failures.front();

  // Alerts come some time after the execs: wait until every container has
  // one (hang guard 60 s), then stop Falco.
  std::map<std::string, int> index_of;
  for (int i = 0; i < kBurst; ++i) index_of[ids[i].substr(0, 12)] = i;
  auto containers_with_alerts = [&](const std::vector<json>& alerts) {
    std::set<std::string> seen;
    for (const auto& alert : alerts) {
      if (alert.value("rule", "") != kRuleName) continue;
      const std::string id = Field(alert, "container.id");
      if (index_of.count(id) != 0) seen.insert(id);
    }
    return seen.size();
  };
  const auto alerts_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (containers_with_alerts(testfalco::JsonLines(falco_process->Stdout())) < kBurst &&
         std::chrono::steady_clock::now() < alerts_deadline && falco_process->running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const testfalco::FalcoRun run = falco_process->Stop();
  EXPECT_EQ(run.result.exit_code, 0) << run.Describe();
  // The plugin logs through Falco's logger; podman's events log was found
  // without configuration.
  if (GetParam() == "podman") {
    EXPECT_NE(run.result.err.find("podman: events log of " + engine_->socket() + ": " +
                                  static_cast<RealPodman&>(*engine_).events_log()),
              std::string::npos)
        << run.Describe();
  }

  // Per container, its first alert (the alerts come in event order).
  std::map<std::string, json> first;
  int alerts_in_burst = 0;
  for (const auto& alert : run.alerts) {
    if (alert.value("rule", "") != kRuleName) continue;
    const std::string id = Field(alert, "container.id");
    if (index_of.count(id) == 0) continue;
    ++alerts_in_burst;
    first.emplace(id, alert);
  }
  int with_metadata = 0;
  std::string report;
  for (const auto& [id, alert] : first) {
    const std::string name = Field(alert, "container.name");
    const std::string repo = Field(alert, "container.image.repository");
    const bool ok = name == "burst-" + std::to_string(index_of[id]) && Set(repo);
    with_metadata += ok ? 1 : 0;
    if (!ok) {
      report += "  " + id + ": first exec '" + Field(alert, "proc.cmdline") + "' name=" + name +
                " repo=" + repo + "\n";
    }
  }
  const std::string summary = GetParam() + ": first-exec alerts with metadata " +
                              std::to_string(with_metadata) + "/" + std::to_string(kBurst) + " containers (" +
                              std::to_string(first.size()) + " containers alerted, " +
                              std::to_string(alerts_in_burst) + " exec alerts)";
  std::cout << "[ LIVE     ] " << summary << "\n" << report;
  RecordProperty("first_exec_with_metadata", with_metadata);
  RecordProperty("containers", kBurst);
  EXPECT_EQ(static_cast<int>(first.size()), kBurst) << "containers without any exec alert\n"
                                                    << run.Describe();
  EXPECT_EQ(with_metadata, kBurst) << summary << "\n" << report;
}

INSTANTIATE_TEST_SUITE_P(Engines, FalcoLive, ::testing::Values("docker", "podman"),
                         [](const auto& info) { return info.param; });

}  // namespace
