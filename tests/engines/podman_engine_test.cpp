// PodmanEngine against a scripted fake engine: libpod paths, podman's event
// vocabulary and the discovery of rootless users' sockets. No real daemon.
#include "engines/podman/podman_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"

namespace libcontainer {
namespace {

using engine_testing::CapturingLogger;
using engine_testing::CountRequests;
using engine_testing::EventLine;
using engine_testing::FakeEngine;
using engine_testing::FastTiming;
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::PodmanLogLine;
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

void Append(const std::string& path, std::string_view text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::app) << text;
}

std::string Inspect(const std::string& id, const std::string& name) {
  return R"({"Id":")" + id + R"(","Name":")" + name +
         R"(","ImageName":"docker.io/library/alpine:3.19","Image":")" + Id("1a") +
         R"(","ImageDigest":"sha256:def","Config":{"Labels":{"tier":"db"}},)" +
         R"("HostConfig":{"NetworkMode":"bridge"},"NetworkSettings":{"IPAddress":"10.88.0.5"}})";
}

// A temporary HOST_ROOT with the root socket at run/podman/podman.sock and
// rootless ones at run/user/<uid>/podman/podman.sock, each a symlink to a
// fake server's socket.
class PodmanEngineTest : public ::testing::Test {
 protected:
  PodmanEngineTest() : fake_(FakeEngine::kPodmanVersion) {
    char tmpl[] = "/tmp/podman-engine-test-XXXXXX";
    host_root_ = mkdtemp(tmpl);
    root_socket_ = host_root_ + "/run/podman/podman.sock";
    root_events_log_ = host_root_ + "/run/libpod/events/events.log";
  }
  ~PodmanEngineTest() override {
    engine_.reset();
    servers_.clear();
    fs::remove_all(host_root_);
  }

  FakeHttpServer& ServeAt(const std::string& socket, FakeEngine& fake) {
    servers_.push_back(std::make_unique<FakeHttpServer>(fake.Handler()));
    fs::create_directories(fs::path(socket).parent_path());
    fs::create_symlink(servers_.back()->socket_path(), socket);
    return *servers_.back();
  }
  // By default no log for the root socket (none configured); nullopt discovers it.
  void StartEngine(PluginConfig config = {},
                   std::optional<std::vector<std::string>> events_logs = std::vector<std::string>{}) {
    engine_ = std::make_unique<PodmanEngine>(std::vector<std::string>{root_socket_}, std::move(events_logs),
                                             host_root_, config, logger_, FastTiming());
    engine_->Start(sink_);
  }
  // The root service up and listed, its events log followed (created when
  // the test first writes to it).
  void StartWithEventsLog(PluginConfig config = {}) {
    fs::create_directories(fs::path(root_events_log_).parent_path());
    ServeAt(root_socket_, fake_);
    StartEngine(config, std::vector<std::string>{root_events_log_});
    ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
    ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  }
  // Counters once every thread has stopped: final, whatever was in flight.
  ContainerEngine::Stats StopAndStats() {
    engine_->Stop();
    return engine_->stats();
  }

  std::string host_root_, root_socket_, root_events_log_;
  FakeEngine fake_;
  FakeEngine user_fake_{FakeEngine::kPodmanVersion};  // a rootless user's service
  CapturingLogger logger_;
  RecordingSink sink_;
  std::vector<std::unique_ptr<FakeHttpServer>> servers_;
  std::unique_ptr<PodmanEngine> engine_;
};

TEST_F(PodmanEngineTest, ListsThroughTheLibpodApi) {
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "pg"));
  FakeHttpServer& server = ServeAt(root_socket_, fake_);
  StartEngine();
  EXPECT_EQ(engine_->name(), "podman");
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));

  const auto info = sink_.Added(Id("c1"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, ContainerType::kPodman);
  EXPECT_EQ(info->name, "pg");
  EXPECT_EQ(info->image, "docker.io/library/alpine:3.19");
  EXPECT_EQ(info->image_digest, "sha256:def");
  EXPECT_EQ(info->ip, "10.88.0.5");
  EXPECT_EQ(info->labels.at("tier"), "db");
  EXPECT_GE(CountRequests(server, "/v4.0.0/libpod/containers/json?all=true"), 1u);
  EXPECT_GE(CountRequests(server, "/v4.0.0/libpod/containers/" + Id("c1") + "/json"), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "(API libpod 4.3.1, 1 containers listed)"));
  EXPECT_TRUE(engine_->stats().connected);
}

TEST_F(PodmanEngineTest, FollowsPodmanEventVocabulary) {
  FakeHttpServer& server = ServeAt(root_socket_, fake_);
  StartEngine();
  ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  EXPECT_GE(CountRequests(server, "/v4.0.0/libpod/events?stream=true&since="), 1u);
  EXPECT_GE(CountRequests(server, "%22remove%22"), 1u);
  EXPECT_EQ(CountRequests(server, "%22destroy%22"), 0u);

  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "api"));
  fake_.PushEvent(EventLine("create", Id("c2")));
  fake_.PushEvent(EventLine("init", Id("c2")));
  fake_.PushEvent(EventLine("died", Id("c2")));
  fake_.PushEvent(EventLine("cleanup", Id("c2")));
  // Removed only once inspected: a removal drops an inspect still to come.
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c2"), 1).has_value());
  fake_.PushEvent(EventLine("remove", Id("c2")));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  const ContainerInfo removed = sink_.removed()[0];
  EXPECT_EQ(removed.full_id, Id("c2"));
  EXPECT_EQ(removed.id, Id("c2").substr(0, 12));
  EXPECT_EQ(removed.type, ContainerType::kPodman);
  // The create event's own record and its inspect; init/died/cleanup add nothing.
  EXPECT_EQ(sink_.CountAdded(Id("c2")), 2u);
  EXPECT_EQ(engine_->stats().events, 5u);
}

TEST_F(PodmanEngineTest, DiscoversRootlessSocketThatAppearsAfterStart) {
  // No root socket and no users yet.
  StartEngine();
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  EXPECT_FALSE(engine_->stats().connected);

  user_fake_.SetContainer(Id("u1"), Inspect(Id("u1"), "rootless"));
  ServeAt(host_root_ + "/run/user/1000/podman/podman.sock", user_fake_);
  const auto info = sink_.WaitForAdded(Id("u1"));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, ContainerType::kPodman);
  // Connected once its events log was looked for, just after the listing.
  EXPECT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "found rootless socket " + host_root_ + "/run/user/1000/"));

  // Then the root service starts too: both are followed.
  fake_.SetContainer(Id("r1"), Inspect(Id("r1"), "rootful"));
  ServeAt(root_socket_, fake_);
  EXPECT_TRUE(sink_.WaitForAdded(Id("r1")).has_value());
  ASSERT_TRUE(WaitFor([&] { return user_fake_.subscriptions() >= 1 && fake_.subscriptions() >= 1; }));
  user_fake_.SetContainer(Id("u2"), Inspect(Id("u2"), "second"));
  user_fake_.PushEvent(EventLine("create", Id("u2")));
  EXPECT_TRUE(sink_.WaitForAdded(Id("u2")).has_value());
  engine_->Stop();
  EXPECT_EQ(logger_.Count(LogLevel::kInfo, "found rootless socket"), 1u);  // not re-added per rescan
}

TEST(PodmanRootlessScanTest, FindsOnlyNumericUsersWithASocket) {
  char tmpl[] = "/tmp/podman-scan-test-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  FakeHttpServer server(FakeHttpServer::Fixed(200, "OK"));
  for (const char* user : {"1000", "1001", "gdm", "1002"}) {
    fs::create_directories(root + "/run/user/" + user + "/podman");
  }
  fs::create_symlink(server.socket_path(), root + "/run/user/1001/podman/podman.sock");
  fs::create_symlink(server.socket_path(), root + "/run/user/gdm/podman/podman.sock");
  fs::create_symlink(server.socket_path(), root + "/run/user/1000/podman/podman.sock");
  std::ofstream(root + "/run/user/1002/podman/podman.sock") << "not a socket";

  EXPECT_EQ(PodmanEngine::FindRootlessSockets(root),
            (std::vector<std::string>{root + "/run/user/1000/podman/podman.sock",
                                      root + "/run/user/1001/podman/podman.sock"}));
  EXPECT_TRUE(PodmanEngine::FindRootlessSockets(root + "/missing").empty());
  fs::remove_all(root);
}

TEST_F(PodmanEngineTest, LookupByShortIdOnLibpod) {
  FakeHttpServer& server = ServeAt(root_socket_, fake_);
  StartEngine();
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  fake_.SetContainer(Id("e1"), Inspect(Id("e1"), "looked-up"));
  engine_->RequestLookup(Id("e1").substr(0, 12));
  ASSERT_TRUE(sink_.WaitForAdded(Id("e1")).has_value());
  EXPECT_GE(CountRequests(server, "/v4.0.0/libpod/containers/" + Id("e1").substr(0, 12) + "/json"), 1u);
  EXPECT_EQ(engine_->stats().lookups, 1u);
}

TEST_F(PodmanEngineTest, WithSizeAsksLibpodForSize) {
  PluginConfig config;
  config.with_size = true;
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "pg"));
  FakeHttpServer& server = ServeAt(root_socket_, fake_);
  StartEngine(config);
  ASSERT_TRUE(sink_.WaitForAdded(Id("c1")).has_value());
  EXPECT_GE(CountRequests(server, "/v4.0.0/libpod/containers/" + Id("c1") + "/json?size=true"), 1u);
}

TEST_F(PodmanEngineTest, EventsLogLineIsReportedWithoutAnApiEvent) {
  StartWithEventsLog();
  fake_.SetContainer(Id("f1"), Inspect(Id("f1"), "from-file"));
  Append(root_events_log_, PodmanLogLine("create", Id("f1")));
  // The line's own record first, then the inspect.
  const auto inspected = sink_.WaitForAddedNth(Id("f1"), 1);
  ASSERT_TRUE(inspected.has_value());
  EXPECT_EQ(sink_.Added(Id("f1"))->name, "x");
  EXPECT_EQ(inspected->name, "from-file");
  EXPECT_EQ(inspected->ip, "10.88.0.5");
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "following events log " + root_events_log_));

  Append(root_events_log_, PodmanLogLine("remove", Id("f1")));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  EXPECT_EQ(sink_.removed()[0].full_id, Id("f1"));
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.file_events, 2u);
  EXPECT_EQ(stats.events, 0u);  // no API event was pushed
}

TEST_F(PodmanEngineTest, EventFromFileThenApiIsHandledOnce) {
  StartWithEventsLog();
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "one"));
  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "two"));
  Append(root_events_log_, PodmanLogLine("create", Id("c1")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c1"), 1).has_value());
  // podman's stream delivers the same event late; c2 behind it shows it was read.
  fake_.PushEvent(EventLine("create", Id("c1")));
  fake_.PushEvent(EventLine("create", Id("c2")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c2"), 1).has_value());
  EXPECT_EQ(sink_.CountAdded(Id("c1")), 2u);
  const auto stats = StopAndStats();
  EXPECT_EQ(stats.file_events, 1u);
  EXPECT_EQ(stats.events, 2u);
}

TEST_F(PodmanEngineTest, EventFromApiThenFileIsHandledOnce) {
  StartWithEventsLog();
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "one"));
  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "two"));
  fake_.PushEvent(EventLine("create", Id("c1")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c1"), 1).has_value());
  Append(root_events_log_, PodmanLogLine("create", Id("c1")) + PodmanLogLine("create", Id("c2")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c2"), 1).has_value());
  EXPECT_EQ(sink_.CountAdded(Id("c1")), 2u);
  // Removal too: once, whichever comes first.
  Append(root_events_log_, PodmanLogLine("remove", Id("c1")));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  fake_.PushEvent(EventLine("remove", Id("c1")));
  fake_.PushEvent(EventLine("create", Id("c2")));  // already handled from the file
  fake_.SetContainer(Id("c3"), Inspect(Id("c3"), "three"));
  fake_.PushEvent(EventLine("create", Id("c3")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("c3"), 1).has_value());
  EXPECT_EQ(sink_.removed().size(), 1u);
  EXPECT_EQ(sink_.CountAdded(Id("c2")), 2u);
  EXPECT_EQ(StopAndStats().file_events, 2u);  // c2's create, c1's remove
}

TEST_F(PodmanEngineTest, FailedInspectFromFileLeavesTheEventToTheApi) {
  StartWithEventsLog();
  // Not (yet) known to the service: the line's own record only.
  Append(root_events_log_, PodmanLogLine("create", Id("c3")));
  // The failed inspect, on an inspect worker, gives the event back.
  ASSERT_TRUE(WaitFor([&] { return logger_.Contains(LogLevel::kDebug, Id("c3") + " not inspected"); }));
  EXPECT_EQ(engine_->stats().file_events, 1u);
  EXPECT_EQ(sink_.CountAdded(Id("c3")), 1u);
  fake_.SetContainer(Id("c3"), Inspect(Id("c3"), "late"));
  fake_.PushEvent(EventLine("create", Id("c3")));
  const auto inspected = sink_.WaitForAddedNth(Id("c3"), 2);
  ASSERT_TRUE(inspected.has_value());
  EXPECT_EQ(inspected->name, "late");
}

TEST_F(PodmanEngineTest, EventsLogFollowsTheHooks) {
  PluginConfig config;
  config.hooks = kHookStart;
  StartWithEventsLog(config);
  fake_.SetContainer(Id("s1"), Inspect(Id("s1"), "restarted"));
  // Created, started, then, once inspected, started again (a restart: a
  // second event; one that came while the first inspect was queued would
  // merge into it).
  Append(root_events_log_,
         PodmanLogLine("create", Id("s1")) + PodmanLogLine("start", Id("s1"), "2026-11-23T19:08:42.1Z"));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("s1"), 1).has_value());
  Append(root_events_log_, PodmanLogLine("start", Id("s1"), "2026-11-23T19:08:50.2Z"));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("s1"), 3).has_value());
  const auto stats = StopAndStats();
  EXPECT_EQ(sink_.CountAdded(Id("s1")), 4u);
  EXPECT_EQ(stats.file_events, 2u);
}

// What podman 4.3's GET /libpod/info says about its events (the rest of the document is left out).
std::string InfoJson(const std::string& logger, bool rootless) {
  return R"({"host":{"eventLogger":")" + logger + R"(","security":{"rootless":)" +
         (rootless ? "true" : "false") + R"(}},"store":{"runRoot":"/run/containers/storage"}})";
}

TEST_F(PodmanEngineTest, FollowsTheEventsLogOfEachRootlessUser) {
  StartEngine();
  user_fake_.SetContainer(Id("u1"), Inspect(Id("u1"), "rootless"));
  user_fake_.SetInfo(InfoJson("file", true));
  ServeAt(host_root_ + "/run/user/1000/podman/podman.sock", user_fake_);
  // The service here is this test (not a podman process): podman's rootless default under the runtime dir
  // of the socket owner's uid.
  const std::string log =
      host_root_ + "/run/user/" + std::to_string(getuid()) + "/libpod/tmp/events/events.log";
  ASSERT_TRUE(sink_.WaitForAdded(Id("u1")).has_value());
  ASSERT_TRUE(WaitFor([&] {
    return logger_.Contains(LogLevel::kInfo, "events log of " + host_root_ +
                                                 "/run/user/1000/podman/podman.sock: " + log +
                                                 " (podman's default tmp dir)");
  }));
  // Its directory appears with the user's first podman command.
  ASSERT_TRUE(WaitFor([&] { return logger_.Contains(LogLevel::kDebug, "cannot watch"); }));
  user_fake_.SetContainer(Id("u2"), Inspect(Id("u2"), "second"));
  Append(log, PodmanLogLine("create", Id("u2")));
  const auto inspected = sink_.WaitForAddedNth(Id("u2"), 1);
  ASSERT_TRUE(inspected.has_value());
  EXPECT_EQ(inspected->name, "second");
  EXPECT_EQ(StopAndStats().file_events, 1u);
}

TEST_F(PodmanEngineTest, FindsTheEventsLogWhereContainersConfPutsIt) {
  // Without events_logs in the config, the root service's log comes from the system containers.conf.
  Append(host_root_ + "/etc/containers/containers.conf",
         "[engine]\nevents_logger = \"file\"\nevents_logfile_path = \"/var/log/podman/events.log\"\n");
  const std::string log = host_root_ + "/var/log/podman/events.log";
  fake_.SetInfo(InfoJson("file", false));
  ServeAt(root_socket_, fake_);
  StartEngine({}, std::nullopt);
  ASSERT_TRUE(WaitFor([&] {
    return logger_.Contains(LogLevel::kInfo, "events log of " + root_socket_ + ": " + log +
                                                 " (events_logfile_path in /etc/containers/containers.conf)");
  }));
  fake_.SetContainer(Id("f1"), Inspect(Id("f1"), "from-file"));
  Append(log, PodmanLogLine("create", Id("f1")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("f1"), 1).has_value());
  EXPECT_EQ(StopAndStats().file_events, 1u);
}

TEST_F(PodmanEngineTest, JournaldLoggerLeavesOnlyTheApiStream) {
  fake_.SetInfo(InfoJson("journald", false));
  ServeAt(root_socket_, fake_);
  StartEngine({}, std::nullopt);
  ASSERT_TRUE(WaitFor([&] { return logger_.Contains(LogLevel::kWarning, "logs its events to journald"); }));
  ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  fake_.SetContainer(Id("j1"), Inspect(Id("j1"), "journald"));
  fake_.PushEvent(EventLine("create", Id("j1")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("j1")).has_value());
  StopAndStats();
  // No file is followed, not even podman's default one.
  EXPECT_FALSE(logger_.Contains(LogLevel::kInfo, "events log of"));
  EXPECT_FALSE(logger_.Contains(LogLevel::kInfo, "following events log"));
  EXPECT_EQ(logger_.Count(LogLevel::kWarning, "logs its events to journald"), 1u);
}

TEST_F(PodmanEngineTest, ConfiguredEventsLogsOverrideDiscovery) {
  Append(host_root_ + "/etc/containers/containers.conf",
         "[engine]\nevents_logfile_path = \"/elsewhere.log\"\n");
  const std::string configured = host_root_ + "/configured/events.log";
  fake_.SetInfo(InfoJson("file", false));
  ServeAt(root_socket_, fake_);
  StartEngine({}, std::vector<std::string>{configured});
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  fake_.SetContainer(Id("o1"), Inspect(Id("o1"), "configured"));
  Append(configured, PodmanLogLine("create", Id("o1")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("o1"), 1).has_value());
  fake_.SetContainer(Id("o2"), Inspect(Id("o2"), "ignored"));
  Append(host_root_ + "/elsewhere.log", PodmanLogLine("create", Id("o2")));
  EXPECT_EQ(StopAndStats().file_events, 1u);
  EXPECT_FALSE(logger_.Contains(LogLevel::kInfo, "events log of"));  // nothing looked up
}

}  // namespace
}  // namespace libcontainer
