// CriEngine against the in-process FakeCriServer: listing (containers and pod
// sandboxes), the GetContainerEvents path, a runtime restart, the polling
// path of runtimes without events (containerd 1.6), lookups and Stop().
#include "engines/cri/cri_engine.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engines/fake_cri_server.h"
#include "engines/fake_engine.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::FastTiming;
using engine_testing::ReadSampleMessage;
using engine_testing::UniqueSocketPath;

namespace cri = ::runtime::v1;
using engine_testing::CapturingLogger;
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using testing::FakeCriServer;
using namespace std::chrono_literals;

// From the samples: a container of pod kPodId, recorded on containerd 1.6.
constexpr char kCtrId[] = "c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094";
constexpr char kPodId[] = "65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c";

cri::ContainerStatusResponse Container(const std::string& id, const std::string& name,
                                       cri::ContainerState state = cri::CONTAINER_RUNNING) {
  cri::ContainerStatusResponse response;
  cri::ContainerStatus* status = response.mutable_status();
  status->set_id(id);
  status->mutable_metadata()->set_name(name);
  status->set_state(state);
  status->mutable_image()->set_image("docker.io/library/busybox:1.36");
  status->set_image_ref("docker.io/library/busybox@sha256:abc");
  status->set_created_at(1700000000000000000);
  return response;
}

cri::PodSandboxStatusResponse Sandbox(const std::string& id, const std::string& name) {
  cri::PodSandboxStatusResponse response;
  response.mutable_status()->set_id(id);
  response.mutable_status()->mutable_metadata()->set_name(name);
  response.mutable_status()->set_state(cri::SANDBOX_READY);
  return response;
}

cri::ContainerEventResponse Event(const std::string& id, cri::ContainerEventType type) {
  cri::ContainerEventResponse event;
  event.set_container_id(id);
  event.set_container_event_type(type);
  return event;
}

class CriEngineTest : public ::testing::Test {
 protected:
  CriEngineTest() : socket_(UniqueSocketPath("cri-engine")) {}
  ~CriEngineTest() override {
    engine_.reset();
    server_.reset();
    ::unlink(socket_.c_str());
  }

  void StartServer() { server_ = std::make_unique<FakeCriServer>(socket_); }
  void StartEngine(PluginConfig config = {}, EngineTiming timing = FastTiming()) {
    engine_ = std::make_unique<CriEngine>(std::vector<std::string>{socket_}, config, logger_, timing);
    engine_->Start(sink_);
  }
  // Listed and following the events stream.
  void StartConnected(PluginConfig config = {}, EngineTiming timing = FastTiming()) {
    StartEngine(config, timing);
    ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
    ASSERT_TRUE(server_->WaitForEventStreams(1, kGuard));
  }

  const std::string socket_;
  CapturingLogger logger_;
  RecordingSink sink_;
  std::unique_ptr<FakeCriServer> server_;
  std::unique_ptr<CriEngine> engine_;  // destroyed first: stops before the server goes
};

TEST_F(CriEngineTest, ListsContainersAndSandboxesAtStart) {
  StartServer();
  server_->AddContainer(
      ReadSampleMessage<cri::ContainerStatusResponse>("containerd-cri-container-status-verbose.json"),
      kPodId);
  server_->AddSandbox(
      ReadSampleMessage<cri::PodSandboxStatusResponse>("containerd-cri-pod-status-verbose.json"));
  StartEngine();
  EXPECT_EQ(engine_->name(), "cri");
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));

  const auto ctr = sink_.Added(kCtrId);
  ASSERT_TRUE(ctr.has_value());
  EXPECT_EQ(ctr->type, ContainerType::kContainerd);  // from Version's runtime_name
  EXPECT_EQ(ctr->id, std::string(kCtrId).substr(0, 12));
  EXPECT_EQ(ctr->name, "probe-ctr");
  EXPECT_EQ(ctr->image_repo, "localhost/local/busybox");
  EXPECT_EQ(ctr->pod_sandbox_id, kPodId);
  EXPECT_FALSE(ctr->is_pod_sandbox);
  EXPECT_EQ(ctr->labels.at("io.kubernetes.pod.name"), "probe-pod");
  EXPECT_EQ(ctr->labels.at("io.kubernetes.pod.namespace"), "probe-ns");
  EXPECT_EQ(ctr->pod_sandbox_labels, (Labels{{"probe", "cri"}}));
  EXPECT_TRUE(ctr->host_network);  // from the pod's NODE network namespace

  const auto pod = sink_.Added(kPodId);
  ASSERT_TRUE(pod.has_value());
  EXPECT_TRUE(pod->is_pod_sandbox);
  EXPECT_EQ(pod->name, "probe-pod");
  EXPECT_EQ(pod->image, "localhost/podman-pause:4.3.1-0");

  const auto stats = engine_->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.reconnects, 0u);
  EXPECT_EQ(stats.last_error, "");
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "1 containers and 1 pod sandboxes listed"));
}

TEST_F(CriEngineTest, EventStreamReportsCreateAndDelete) {
  StartServer();
  StartConnected();
  server_->AddContainer(Container(Id("c1"), "web", cri::CONTAINER_CREATED));
  server_->PushEvent(Event(Id("c1"), cri::CONTAINER_CREATED_EVENT));
  const auto created = sink_.WaitForAdded(Id("c1"));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->name, "web");
  EXPECT_EQ(created->image, "docker.io/library/busybox:1.36");

  // Default hooks: create only; STOPPED never means gone.
  server_->PushEvent(Event(Id("c1"), cri::CONTAINER_STARTED_EVENT));
  server_->PushEvent(Event(Id("c1"), cri::CONTAINER_STOPPED_EVENT));
  server_->PushEvent(Event(Id("c1"), cri::CONTAINER_DELETED_EVENT));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  const ContainerInfo removed = sink_.removed()[0];
  EXPECT_EQ(removed.full_id, Id("c1"));
  EXPECT_EQ(removed.id, Id("c1").substr(0, 12));
  EXPECT_EQ(removed.type, ContainerType::kContainerd);
  EXPECT_EQ(sink_.CountAdded(Id("c1")), 1u);
  EXPECT_EQ(engine_->stats().events, 4u);
}

TEST_F(CriEngineTest, StartHookReportsOnStarted) {
  StartServer();
  PluginConfig config;
  config.hooks = kHookStart;
  StartConnected(config);
  server_->AddContainer(Container(Id("c2"), "created-only", cri::CONTAINER_CREATED));
  server_->AddContainer(Container(Id("c3"), "started"));
  server_->PushEvent(Event(Id("c2"), cri::CONTAINER_CREATED_EVENT));
  server_->PushEvent(Event(Id("c3"), cri::CONTAINER_STARTED_EVENT));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c3")).has_value());
  EXPECT_EQ(sink_.CountAdded(Id("c2")), 0u);  // events are handled in order
}

TEST_F(CriEngineTest, SandboxEventsReportTheSandbox) {
  StartServer();
  StartConnected();
  server_->AddSandbox(Sandbox(Id("p1"), "web-pod"));
  server_->PushEvent(Event(Id("p1"), cri::CONTAINER_CREATED_EVENT));
  const auto pod = sink_.WaitForAdded(Id("p1"));
  ASSERT_TRUE(pod.has_value());
  EXPECT_TRUE(pod->is_pod_sandbox);
  EXPECT_EQ(pod->name, "web-pod");
}

TEST_F(CriEngineTest, RuntimeRestartIsSurvivedWithARelist) {
  StartServer();
  server_->AddContainer(Container(Id("c4"), "old"));
  StartConnected();
  ASSERT_TRUE(sink_.Added(Id("c4")).has_value());

  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartServer();
  server_->AddContainer(Container(Id("c5"), "new"));
  // Created while the watcher was away: only the re-list finds it.
  ASSERT_TRUE(sink_.WaitForAdded(Id("c5")).has_value());
  ASSERT_TRUE(server_->WaitForEventStreams(1, kGuard));
  // And what went away meanwhile is reported gone, once.
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  EXPECT_EQ(sink_.removed()[0].full_id, Id("c4"));

  const auto stats = engine_->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_GE(stats.reconnects, 1u);
  EXPECT_EQ(stats.removals_relisted, 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "1 containers went away while " + socket_));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "connection lost"));

  server_->AddContainer(Container(Id("c6"), "after"));
  server_->PushEvent(Event(Id("c6"), cri::CONTAINER_CREATED_EVENT));
  EXPECT_TRUE(sink_.WaitForAdded(Id("c6")).has_value());
}

// A container and a pod sandbox gone without their events: the reconciling
// list (ListContainers + ListPodSandbox) reports both removed, and nothing
// that is still there.
TEST_F(CriEngineTest, WhatWentAwayWithoutAnEventIsRemovedByTheReconcilingList) {
  StartServer();
  server_->AddContainer(Container(Id("c1"), "kept"));
  server_->AddContainer(Container(Id("c2"), "lost"));
  server_->AddSandbox(
      ReadSampleMessage<cri::PodSandboxStatusResponse>("containerd-cri-pod-status-verbose.json"));
  EngineTiming timing = FastTiming();
  timing.reconcile_interval = 30ms;
  StartConnected({}, timing);
  ASSERT_TRUE(sink_.WaitForAdded(Id("c2")).has_value());
  ASSERT_TRUE(sink_.WaitForAdded(kPodId).has_value());

  server_->RemoveContainer(Id("c2"));
  server_->RemoveSandbox(kPodId);
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() >= 2; }));
  std::this_thread::sleep_for(100ms);  // a few more rounds
  std::vector<std::string> removed;
  for (const auto& info : sink_.removed()) removed.push_back(info.full_id);
  std::sort(removed.begin(), removed.end());
  std::vector<std::string> expected{Id("c2"), kPodId};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(removed, expected);
  EXPECT_TRUE(
      logger_.Contains(LogLevel::kInfo, "2 containers shown by " + socket_ + " are no longer listed"));
  EXPECT_EQ(engine_->stats().removals_relisted, 2u);

  // The runtime restarts: what the reconciling list reported gone is not
  // reported a second time by the new listing.
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartServer();
  server_->AddContainer(Container(Id("c1"), "kept"));
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  ASSERT_TRUE(server_->WaitForEventStreams(1, kGuard));
  std::this_thread::sleep_for(100ms);  // a few reconciling rounds too
  EXPECT_EQ(sink_.removed().size(), 2u);
  EXPECT_EQ(engine_->stats().removals_relisted, 2u);
}

TEST_F(CriEngineTest, SocketMissingAtStartThenAppears) {
  StartEngine();
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));  // "done": unreachable
  auto stats = engine_->stats();
  EXPECT_FALSE(stats.connected);
  EXPECT_NE(stats.last_error.find(socket_), std::string::npos) << stats.last_error;

  StartServer();
  server_->AddContainer(Container(Id("c7"), "late"));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c7")).has_value());
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  stats = engine_->stats();
  EXPECT_EQ(stats.reconnects, 1u);
  EXPECT_EQ(stats.last_error, "");
  EXPECT_EQ(logger_.Count(LogLevel::kInfo, "retrying in the background"), 1u);
}

TEST_F(CriEngineTest, PollsWhenEventsAreUnimplemented) {
  StartServer();
  server_->SetEventsUnimplemented(true);
  server_->AddContainer(Container(Id("c8"), "listed"));
  server_->AddSandbox(Sandbox(Id("p2"), "pod"));
  StartEngine();
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  ASSERT_TRUE(sink_.Added(Id("c8")).has_value());
  ASSERT_TRUE(sink_.Added(Id("p2")).has_value());
  ASSERT_TRUE(WaitFor([&] { return logger_.Contains(LogLevel::kInfo, "polling every 30 ms"); }));

  server_->AddContainer(Container(Id("c9"), "new", cri::CONTAINER_CREATED), Id("p2"));
  const auto created = sink_.WaitForAdded(Id("c9"));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->pod_sandbox_id, Id("p2"));

  server_->RemoveContainer(Id("c8"));
  server_->RemoveSandbox(Id("p2"));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 2; }));
  EXPECT_EQ(sink_.removed()[0].full_id, Id("c8"));
  EXPECT_EQ(sink_.removed()[1].full_id, Id("p2"));

  // Reported once, however many polls see it.
  const int lists = server_->container_lists();
  ASSERT_TRUE(WaitFor([&] { return server_->container_lists() >= lists + 3; }));
  EXPECT_EQ(sink_.CountAdded(Id("c9")), 1u);
  const auto stats = engine_->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.reconnects, 0u);
}

TEST_F(CriEngineTest, PollingWithStartHookWaitsUntilRunning) {
  StartServer();
  server_->SetEventsUnimplemented(true);
  PluginConfig config;
  config.hooks = kHookStart;
  StartEngine(config);
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));

  server_->AddContainer(Container(Id("ca"), "slow", cri::CONTAINER_CREATED));
  const int lists = server_->container_lists();
  ASSERT_TRUE(WaitFor([&] { return server_->container_lists() >= lists + 3; }));
  EXPECT_EQ(sink_.CountAdded(Id("ca")), 0u);
  server_->AddContainer(Container(Id("ca"), "slow", cri::CONTAINER_RUNNING));
  EXPECT_TRUE(sink_.WaitForAdded(Id("ca")).has_value());
}

TEST_F(CriEngineTest, LookupsByPrefix) {
  StartServer();
  StartConnected();
  // Known to the runtime, but no event told the watcher.
  server_->AddContainer(Container(Id("cb"), "quiet"));
  server_->AddSandbox(Sandbox(Id("p3"), "quiet-pod"));
  engine_->RequestLookup(Id("cb").substr(0, 12));
  engine_->RequestLookup(Id("p3").substr(0, 12));
  const auto found = sink_.WaitForAdded(Id("cb"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "quiet");
  const auto pod = sink_.WaitForAdded(Id("p3"));
  ASSERT_TRUE(pod.has_value());
  EXPECT_TRUE(pod->is_pod_sandbox);

  engine_->RequestLookup(Id("ff").substr(0, 12));
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().lookup_failures == 1; }));
  EXPECT_EQ(engine_->stats().lookups, 3u);
}

// The time bounds below are hang guards: without a prompt Stop() each test
// would wait a minute or more.
TEST_F(CriEngineTest, StopIsPromptWhileTheStreamIsIdle) {
  StartServer();
  StartConnected();
  const auto start = std::chrono::steady_clock::now();
  engine_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);
  EXPECT_FALSE(engine_->stats().connected);
  EXPECT_TRUE(WaitFor([&] { return server_->open_event_streams() == 0; }));
  EXPECT_FALSE(logger_.Contains(LogLevel::kWarning, ""));
}

TEST_F(CriEngineTest, StopIsPromptWhilePolling) {
  StartServer();
  server_->SetEventsUnimplemented(true);
  EngineTiming timing = FastTiming();
  timing.cri_poll_interval = 120s;
  engine_ = std::make_unique<CriEngine>(std::vector<std::string>{socket_}, PluginConfig{}, logger_, timing);
  engine_->Start(sink_);
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  ASSERT_TRUE(WaitFor([&] { return logger_.Contains(LogLevel::kInfo, "polling every"); }));
  const auto start = std::chrono::steady_clock::now();
  engine_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);
}

TEST_F(CriEngineTest, StopIsPromptDuringAHungCall) {
  StartServer();
  server_->SetDelay(120s);
  EngineTiming timing = FastTiming();
  timing.request_deadline = 120s;
  engine_ = std::make_unique<CriEngine>(std::vector<std::string>{socket_}, PluginConfig{}, logger_, timing);
  engine_->Start(sink_);
  engine_->RequestLookup(Id("c1"));
  ASSERT_TRUE(WaitFor([&] { return server_->unary_calls() >= 1; }));
  const auto start = std::chrono::steady_clock::now();
  engine_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);
  EXPECT_FALSE(engine_->stats().connected);
}

}  // namespace
}  // namespace libcontainer
