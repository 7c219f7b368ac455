// ContainerdEngine against the in-process FakeContainerdServer: listing every
// namespace, create/start/delete events, a daemon restart, lookups by short
// id and Stop(). The real daemon is covered by the real_containerd tests.
#include "engines/containerd/containerd_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "engines/fake_containerd_server.h"
#include "engines/fake_engine.h"
#include "engines/proto_entries.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::FastTiming;
using engine_testing::SetEntry;
using engine_testing::UniqueSocketPath;

namespace containers_v1 = ::containerd::services::containers::v1;
using engine_testing::CapturingLogger;
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using testing::FakeContainerdServer;
using namespace std::chrono_literals;

containers_v1::Container Container(const std::string& id,
                                   const std::string& image = "docker.io/library/redis:7") {
  containers_v1::Container container;
  container.set_id(id);
  container.set_image(image);
  SetEntry(container.mutable_labels(), "app", "cache");
  container.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Spec");
  container.mutable_spec()->set_value(R"({"process":{"user":{"uid":0},"env":["A=1"]},"linux":{}})");
  container.mutable_created_at()->set_seconds(1700000000);
  return container;
}

bool Has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

class ContainerdEngineTest : public ::testing::Test {
 protected:
  ContainerdEngineTest() : socket_(UniqueSocketPath("containerd-engine")) {}
  ~ContainerdEngineTest() override {
    engine_.reset();
    server_.reset();
    ::unlink(socket_.c_str());
  }

  void StartServer() { server_ = std::make_unique<FakeContainerdServer>(socket_); }
  void StartConnected(PluginConfig config = {}, EngineTiming timing = FastTiming()) {
    engine_ = std::make_unique<ContainerdEngine>(std::vector<std::string>{socket_}, config, logger_, timing);
    engine_->Start(sink_);
    ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
    ASSERT_TRUE(server_->WaitForSubscribers(1, kGuard));
  }

  const std::string socket_;
  CapturingLogger logger_;
  RecordingSink sink_;
  std::unique_ptr<FakeContainerdServer> server_;
  std::unique_ptr<ContainerdEngine> engine_;  // destroyed first: stops before the server goes
};

TEST_F(ContainerdEngineTest, ListsEveryNamespaceAtStart) {
  StartServer();
  server_->AddContainer("default", Container("probe-run"));
  server_->AddContainer("k8s.io", Container(Id("c1")));
  StartConnected();
  EXPECT_EQ(engine_->name(), "containerd");

  const auto run = sink_.Added("probe-run");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->type, ContainerType::kContainerd);
  EXPECT_EQ(run->id, "probe-run");
  EXPECT_EQ(run->image, "docker.io/library/redis:7");
  EXPECT_EQ(run->labels.at("app"), "cache");
  const auto k8s = sink_.Added(Id("c1"));
  ASSERT_TRUE(k8s.has_value());
  EXPECT_EQ(k8s->id, Id("c1").substr(0, 12));

  // Default hooks: create (and delete), not start.
  const auto filters = server_->subscribe_filters();
  EXPECT_TRUE(Has(filters, R"(topic=="/containers/create")"));
  EXPECT_TRUE(Has(filters, R"(topic=="/containers/delete")"));
  EXPECT_FALSE(Has(filters, R"(topic=="/tasks/start")"));
  EXPECT_TRUE(engine_->stats().connected);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "2 containers listed in 2 namespaces"));
}

// A container deleted without its event being read: the reconciling list
// (every namespace) reports it removed, and only it.
TEST_F(ContainerdEngineTest, AContainerGoneWithoutAnEventIsRemovedByTheReconcilingList) {
  StartServer();
  server_->AddContainer("default", Container("kept"));
  server_->AddContainer("k8s.io", Container(Id("c1")));
  EngineTiming timing = FastTiming();
  timing.reconcile_interval = 30ms;
  StartConnected({}, timing);
  ASSERT_TRUE(sink_.Added(Id("c1")).has_value());

  server_->RemoveContainer("k8s.io", Id("c1"));
  ASSERT_TRUE(WaitFor([&] { return !sink_.removed().empty(); }));
  std::this_thread::sleep_for(100ms);  // a few more rounds
  const auto removed = sink_.removed();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].full_id, Id("c1"));
  EXPECT_EQ(removed[0].type, ContainerType::kContainerd);
  EXPECT_TRUE(
      logger_.Contains(LogLevel::kInfo, "1 containers shown by " + socket_ + " are no longer listed"));
  EXPECT_EQ(engine_->stats().removals_relisted, 1u);
}

TEST_F(ContainerdEngineTest, CreateAndDeleteEvents) {
  StartServer();
  StartConnected();
  server_->AddContainer("k8s.io", Container(Id("c2")));
  server_->PushEvent("k8s.io", "/containers/create", Id("c2"));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c2")).has_value());

  server_->PushEvent("k8s.io", "/containers/delete", Id("c2"));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  const ContainerInfo removed = sink_.removed()[0];
  EXPECT_EQ(removed.full_id, Id("c2"));
  EXPECT_EQ(removed.id, Id("c2").substr(0, 12));
  EXPECT_EQ(removed.type, ContainerType::kContainerd);
  EXPECT_EQ(engine_->stats().events, 2u);
}

// Timing for the held-Get tests: the request deadline is beyond the hang
// guard, so no call gives up while the test holds it.
EngineTiming PatientTiming(size_t inspect_workers) {
  EngineTiming timing = FastTiming();
  timing.request_deadline = 60s;
  timing.inspect_workers = inspect_workers;
  return timing;
}

// The gRPC side of issue 8: a Get the daemon is slow to answer must not hold
// back the next container's event.
TEST_F(ContainerdEngineTest, AHeldGetDelaysNoOtherContainer) {
  StartServer();
  StartConnected({}, PatientTiming(2));
  server_->AddContainer("default", Container(Id("a1"), "docker.io/library/held:1"));
  server_->AddContainer("default", Container(Id("b1"), "docker.io/library/next:1"));
  server_->HoldGet(Id("a1"));
  server_->PushEvent("default", "/containers/create", Id("a1"));
  ASSERT_TRUE(WaitFor([&] { return server_->held_gets() == 1; }));
  server_->PushEvent("default", "/containers/create", Id("b1"));
  const auto next = sink_.WaitForAdded(Id("b1"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->image, "docker.io/library/next:1");
  EXPECT_EQ(sink_.CountAdded(Id("a1")), 0u);
  EXPECT_EQ(server_->held_gets(), 1);
  server_->ReleaseGet(Id("a1"));
  const auto held = sink_.WaitForAdded(Id("a1"));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->image, "docker.io/library/held:1");
}

TEST_F(ContainerdEngineTest, ADeleteDropsTheGetStillHeld) {
  StartServer();
  StartConnected({}, PatientTiming(1));
  server_->AddContainer("default", Container(Id("a1")));
  server_->AddContainer("default", Container(Id("b1")));
  server_->HoldGet(Id("a1"));
  server_->PushEvent("default", "/containers/create", Id("a1"));
  ASSERT_TRUE(WaitFor([&] { return server_->held_gets() == 1; }));
  server_->PushEvent("default", "/containers/delete", Id("a1"));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  server_->ReleaseGet(Id("a1"));
  // One inspect worker: b1 is fetched once a1's late result was dealt with.
  server_->PushEvent("default", "/containers/create", Id("b1"));
  ASSERT_TRUE(sink_.WaitForAdded(Id("b1")).has_value());
  EXPECT_EQ(sink_.CountAdded(Id("a1")), 0u);
  EXPECT_EQ(sink_.removed()[0].full_id, Id("a1"));
}

TEST_F(ContainerdEngineTest, StopCancelsAHeldGet) {
  StartServer();
  StartConnected({}, PatientTiming(2));
  server_->AddContainer("default", Container(Id("a1")));
  server_->HoldGet(Id("a1"));
  server_->PushEvent("default", "/containers/create", Id("a1"));
  ASSERT_TRUE(WaitFor([&] { return server_->held_gets() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  engine_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);  // hang guard: the deadline is 60 s
  EXPECT_TRUE(WaitFor([&] { return server_->held_gets() == 0; }));
  EXPECT_EQ(sink_.CountAdded(Id("a1")), 0u);
}

TEST_F(ContainerdEngineTest, StartHookFollowsTaskStart) {
  StartServer();
  PluginConfig config;
  config.hooks = kHookStart;
  StartConnected(config);
  const auto filters = server_->subscribe_filters();
  EXPECT_TRUE(Has(filters, R"(topic=="/tasks/start")"));
  EXPECT_FALSE(Has(filters, R"(topic=="/containers/create")"));

  server_->AddContainer("default", Container(Id("c3")));
  server_->PushEvent("default", "/tasks/start", Id("c3"));
  EXPECT_TRUE(sink_.WaitForAdded(Id("c3")).has_value());
}

TEST_F(ContainerdEngineTest, DaemonRestartIsSurvivedWithARelist) {
  StartServer();
  StartConnected();
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartServer();
  server_->AddContainer("default", Container(Id("c4")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c4")).has_value());
  ASSERT_TRUE(server_->WaitForSubscribers(1, kGuard));
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  EXPECT_GE(engine_->stats().reconnects, 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "connection lost"));

  server_->AddContainer("default", Container(Id("c5")));
  server_->PushEvent("default", "/containers/create", Id("c5"));
  EXPECT_TRUE(sink_.WaitForAdded(Id("c5")).has_value());
}

TEST_F(ContainerdEngineTest, LookupsByShortIdInAnyNamespace) {
  StartServer();
  StartConnected();
  server_->AddContainer("k8s.io", Container(Id("c6")));
  engine_->RequestLookup(Id("c6").substr(0, 12));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c6")).has_value());

  engine_->RequestLookup(Id("ff").substr(0, 12));
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().lookup_failures == 1; }));
}

TEST_F(ContainerdEngineTest, StopIsPromptWhileTheStreamIsIdle) {
  StartServer();
  StartConnected();
  const auto start = std::chrono::steady_clock::now();
  engine_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);  // hang guard: an idle stream never ends
  EXPECT_TRUE(WaitFor([&] { return server_->subscribers() == 0; }));
  EXPECT_FALSE(logger_.Contains(LogLevel::kWarning, ""));
}

}  // namespace
}  // namespace libcontainer
