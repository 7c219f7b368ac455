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
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

EngineTiming FastTiming() {
  EngineTiming timing;
  timing.request_deadline = 1000ms;
  timing.backoff_initial = 10ms;
  timing.backoff_max = 50ms;
  timing.lookup_attempts = 8;
  timing.lookup_retry_initial = 20ms;
  timing.rootless_rescan = 20ms;
  return timing;
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
  void StartEngine(PluginConfig config = {}) {
    engine_ = std::make_unique<PodmanEngine>(std::vector<std::string>{root_socket_}, host_root_, config,
                                             logger_, FastTiming());
    engine_->Start(sink_);
  }

  std::string host_root_, root_socket_;
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
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "(API libpod 4.3.1), 1 containers listed"));
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
  fake_.PushEvent(EventLine("remove", Id("c2")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c2")).has_value());
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
  EXPECT_TRUE(engine_->stats().connected);
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

}  // namespace
}  // namespace libcontainer
