// The plugin, loaded through the test host exactly as Falco loads it, against
// real dockerd and podman daemons that the tests start on private sockets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "engines/fake_http_server.h"
#include "engines/plugin_test_util.h"
#include "engines/real_engines.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace {

using testengines::Known;
using testengines::Metric;
using testengines::PumpUntil;
using testengines::RealDocker;
using testengines::RealEngine;
using testengines::RealPodman;
namespace ev = testhost::events;

std::unique_ptr<RealEngine> StartEngine(const std::string& kind, std::string* error) {
  if (kind == "docker") return RealDocker::Start(error);
  return RealPodman::Start(error);
}

std::string ConfigFor(const std::string& kind, const std::string& socket, const std::string& hooks = "create",
                      const std::string& podman_events_log = "") {
  const bool docker = kind == "docker";
  const std::string events_logs =
      podman_events_log.empty() ? "" : R"(,"events_logs":[")" + podman_events_log + R"("])";
  return std::string(R"({"hooks":[")") + hooks + R"("],"engines":{"docker":{"enabled":)" +
         (docker ? "true" : "false") + R"(,"sockets":[")" + socket + R"("]},"podman":{"enabled":)" +
         (docker ? "false" : "true") + R"(,"sockets":[")" + socket + R"("])" + events_logs + "}}}";
}

class RealEnginePlugin : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string error;
    engine_ = StartEngine(GetParam(), &error);
    if (engine_ == nullptr) {
      if (testengines::RequireRealEngines()) FAIL() << GetParam() << " did not start:\n" << error;
      GTEST_SKIP() << GetParam() << " did not start:\n" << error;
    }
  }

  std::unique_ptr<testhost::PluginHost> StartPlugin(const std::string& hooks = "create",
                                                    const std::string& podman_events_log = "") {
    return testengines::LoadPlugin(ConfigFor(GetParam(), engine_->socket(), hooks, podman_events_log));
  }

  std::unique_ptr<RealEngine> engine_;
};

TEST_P(RealEnginePlugin, ListsReportsTagsAndRemovesContainers) {
  const std::string before = engine_->CreateContainer("made-before-plugin");
  ASSERT_FALSE(before.empty()) << engine_->last_error();
  auto host = StartPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, before); })) << "pre-existing container not listed";
  EXPECT_EQ(host->ContainersTableString(before.substr(0, 12), "name"), "made-before-plugin");

  const std::string mount_dir = engine_->dir() + "/shared-data";
  std::filesystem::create_directories(mount_dir);
  const std::string id =
      engine_->CreateContainer("rich", {"--label", "app=web", "--label", "tier=db", "-v",
                                        mount_dir + ":/data:ro", "--pid", "host", "--health-cmd", "echo ok"});
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); })) << "new container not reported";

  // A process of the container, with the cgroups the kernel gives it.
  const pid_t pid = testengines::ContainerPid(*engine_, id);
  ASSERT_GT(pid, 0);
  const testhost::ThreadSpec thread = testengines::ThreadOfProcess(pid, "/bin/sleep");
  ASSERT_FALSE(thread.cgroups.empty());
  host->AddThread(thread);
  ASSERT_EQ(host->Parse(ev::ExecveExit(pid, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(pid), id.substr(0, 12));

  const auto open = ev::OpenExit(pid);
  auto str = [&](const std::string& field, std::optional<std::string> key = std::nullopt) {
    return testengines::ExtractString(*host, open, field, std::move(key));
  };
  auto num = [&](const std::string& field) {
    auto value = host->Extract(open, field);
    return value && value->present ? value->u64 : UINT64_MAX;
  };
  // The engine's create event is reported first, its inspect right after.
  ASSERT_TRUE(PumpUntil(*host, [&] { return str("container.healthcheck") != "<NA>"; }))
      << "inspect not reported";
  EXPECT_EQ(str("container.id"), id.substr(0, 12));
  EXPECT_EQ(str("container.full_id"), id);
  EXPECT_EQ(str("container.name"), "rich");
  EXPECT_EQ(str("container.type"), GetParam());
  EXPECT_NE(str("container.image").find("local/busybox:test"), std::string::npos) << str("container.image");
  EXPECT_EQ(str("container.image.tag"), "test");
  EXPECT_EQ(str("container.label", "app"), "web");
  EXPECT_EQ(str("container.label", "tier"), "db");
  EXPECT_EQ(str("container.mount.source", "/data"), mount_dir);
  EXPECT_EQ(str("container.mount.rdwr", mount_dir), "false");
  EXPECT_EQ(num("container.privileged"), 0u);
  EXPECT_EQ(num("container.host_pid"), 1u);
  EXPECT_EQ(num("container.host_network"), 0u);
  EXPECT_EQ(str("container.healthcheck"), "/bin/sh -c echo ok");

  // This sandbox refuses the capabilities of a privileged container at start
  // (runc: "unable to apply caps"), so that one is only created: the create
  // hook reports it all the same.
  const std::string privileged = engine_->CreateContainer("privileged", {"--privileged"}, /*start=*/false);
  ASSERT_FALSE(privileged.empty()) << engine_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, privileged); })) << "created container not reported";
  testhost::ThreadSpec synthetic;
  synthetic.tid = synthetic.pid = 888888;
  synthetic.cgroups = {
      {"memory", GetParam() == "docker" ? "/docker/" + privileged : "/libpod_parent/libpod-" + privileged}};
  host->AddThread(synthetic);
  ASSERT_EQ(host->Parse(ev::ExecveExit(synthetic.tid, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_TRUE(PumpUntil(*host, [&] {
    auto privileged_value = host->Extract(ev::OpenExit(synthetic.tid), "container.privileged");
    return privileged_value && privileged_value->present && privileged_value->u64 == 1;
  })) << "privileged not reported";

  ASSERT_TRUE(engine_->RemoveContainer(id));
  ASSERT_TRUE(PumpUntil(*host, [&] { return !Known(*host, id); })) << "removal not reported";
  EXPECT_TRUE(Known(*host, before));
  EXPECT_EQ(Metric(*host, "n_" + GetParam() + "_connected"), 1u);
}

TEST_P(RealEnginePlugin, SurvivesKillDashNineAndReportsContainersMadeAfterwards) {
  auto host = StartPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_" + GetParam() + "_connected") == 1; }));
  engine_->Kill9();
  std::string error;
  ASSERT_TRUE(engine_->Restart(&error)) << error;
  const std::string id = engine_->CreateContainer("after-restart");
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); }))
      << "container made after the restart not reported";
  // The re-list reports its containers before the watcher counts the
  // reconnect, so the counter may trail the container by a moment.
  EXPECT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_" + GetParam() + "_reconnects") >= 1; }));
}

TEST_P(RealEnginePlugin, StartHookReportsStartedContainers) {
  auto host = StartPlugin("start");
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_" + GetParam() + "_connected") == 1; }));
  const std::string id = engine_->CreateContainer("started-later", {}, /*start=*/false);
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(engine_->Run({"start", id}));
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); })) << "started container not reported";
}

// The IP exists only once the container runs: the reason for `hooks: [start]`.
// An internal docker network gives the container an address on a local
// bridge without any iptables rule or forwarding (dockerd runs with
// --iptables=false --ip-forward=false); podman's bridge would add NAT rules,
// so this runs for docker only.
class RealEngineNetworkPlugin : public RealEnginePlugin {};

TEST_P(RealEngineNetworkPlugin, StartHookReportsTheIpOfAnInternalNetwork) {
  const std::string network = "lc-internal-" + std::to_string(getpid());
  std::string out;
  ASSERT_TRUE(engine_->Run({"network", "create", "--internal", network}, &out)) << out;
  auto host = StartPlugin("start");
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_docker_connected") == 1; }));
  const std::string id = engine_->CreateContainer("with-ip", {"--network", network});
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(
      engine_->Run({"inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id}, &out));
  const std::string expected_ip = out.substr(0, out.find_first_of("\r\n"));
  ASSERT_FALSE(expected_ip.empty());
  ASSERT_TRUE(
      PumpUntil(*host, [&] { return host->ContainersTableString(id.substr(0, 12), "ip") == expected_ip; }))
      << "ip " << host->ContainersTableString(id.substr(0, 12), "ip").value_or("<none>")
      << " != " << expected_ip;
  EXPECT_TRUE(engine_->RemoveContainer(id));
  EXPECT_TRUE(engine_->Run({"network", "rm", network}, &out)) << out;
}

TEST_P(RealEnginePlugin, UnknownIdSeenByTheParserIsFetchedOnDemand) {
  // hooks [start] and a created-only container: no engine event announces it,
  // only the parser's sighting of its id can.
  auto host = StartPlugin("start");
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_" + GetParam() + "_connected") == 1; }));
  const std::string id = engine_->CreateContainer("fetched-on-demand", {}, /*start=*/false);
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  testhost::ThreadSpec thread;
  thread.tid = thread.pid = 777777;
  thread.vpid = thread.vtid = 1;
  thread.cgroups = {{"memory", GetParam() == "docker" ? "/docker/" + id : "/libpod_parent/libpod-" + id}};
  host->AddThread(thread);
  ASSERT_EQ(host->Parse(ev::ExecveExit(thread.tid, 0)), SS_PLUGIN_SUCCESS);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); }))
      << "on-demand fetch did not report the container";
  EXPECT_EQ(host->Extract(ev::OpenExit(thread.tid), "container.name")->str, "fetched-on-demand");
}

// engine_timeout: capture open waits for the listing, so the first events
// already see containers that existed before the plugin started.
TEST_P(RealEnginePlugin, CaptureOpenReturnsWithExistingContainersListed) {
  const std::string before = engine_->CreateContainer("listed-at-open");
  ASSERT_FALSE(before.empty()) << engine_->last_error();
  auto host = StartPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->CaptureOpen(), SS_PLUGIN_SUCCESS);
  host->DeliverAsyncEvents();  // what was queued by then, without waiting
  EXPECT_TRUE(Known(*host, before)) << "capture open returned before the listing";
  EXPECT_EQ(host->ContainersTableString(before.substr(0, 12), "name"), "listed-at-open");
}

// Podman with events_logger = "file": the plugin reads the events log itself
// instead of waiting for the API service to poll it.
class RealPodmanEventsLogPlugin : public RealEnginePlugin {};

TEST_P(RealPodmanEventsLogPlugin, ReportsContainersFromTheEventsLog) {
  auto host = StartPlugin("create", static_cast<RealPodman&>(*engine_).events_log());
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_podman_connected") == 1; }));
  const std::string id = engine_->CreateContainer("from-events-log", {"--label", "app=web"});
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); })) << "new container not reported";
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_podman_file_events") >= 1; }))
      << "the events log delivered nothing";
  EXPECT_EQ(host->ContainersTableString(id.substr(0, 12), "name"), "from-events-log");
  ASSERT_TRUE(engine_->RemoveContainer(id));
  ASSERT_TRUE(PumpUntil(*host, [&] { return !Known(*host, id); })) << "removal not reported";
}

TEST_P(RealPodmanEventsLogPlugin, FindsTheEventsLogByItself) {
  // No events_logs in the config, and podman runs with a private --tmpdir: its log is not at the
  // default path, and the plugin must find it from the service.
  auto host = StartPlugin("create");
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_podman_connected") == 1; }));
  const std::string id = engine_->CreateContainer("found-events-log");
  ASSERT_FALSE(id.empty()) << engine_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); })) << "new container not reported";
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_podman_file_events") >= 1; }))
      << "the discovered events log delivered nothing";
  EXPECT_EQ(host->ContainersTableString(id.substr(0, 12), "name"), "found-events-log");
}

INSTANTIATE_TEST_SUITE_P(Engines, RealEnginePlugin, ::testing::Values("docker", "podman"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Engines, RealEngineNetworkPlugin, ::testing::Values("docker"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Engines, RealPodmanEventsLogPlugin, ::testing::Values("podman"),
                         [](const auto& info) { return info.param; });

TEST(UnresponsiveEngine, InitAndCaptureOpenDoNotWaitForIt) {
  libcontainer::FakeHttpServer hanging(libcontainer::FakeHttpServer::Hang());
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  ASSERT_NE(host, nullptr) << error;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(host->Init(ConfigFor("docker", hanging.socket_path()), &error)) << error;
  ASSERT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(host->CaptureOpen(), SS_PLUGIN_SUCCESS);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // Reported, not asserted (shared machines): a hang would show as minutes.
  RecordProperty("init_to_capture_open_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  EXPECT_LT(elapsed, testengines::kPluginPatience);
  EXPECT_EQ(Metric(*host, "n_docker_connected"), 0u);
  host.reset();  // plugin_destroy must not wait for the hanging engine either
}

}  // namespace
