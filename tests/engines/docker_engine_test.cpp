// DockerEngine against a scripted fake engine: listing, events, reconnects,
// hangs, malformed answers and on-demand lookups. No real daemon.
#include "engines/docker/docker_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
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
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using namespace std::chrono_literals;

// Short enough that retries happen quickly in tests.
std::string Inspect(const std::string& id, const std::string& name, const std::string& extra = "") {
  return R"({"Id":")" + id + R"(","Name":"/)" + name + R"(","Image":"sha256:)" + Id("1a") +
         R"(","Config":{"Image":"nginx:1.25","Labels":{"app":"web"}},"HostConfig":{"NetworkMode":"default"},)" +
         R"("NetworkSettings":{"IPAddress":"172.17.0.2"})" + extra + "}";
}

constexpr const char* kImage =
    R"({"Id":"sha256:1a1a","RepoTags":["nginx:1.25"],"RepoDigests":["nginx@sha256:abc"]})";

// A fake engine whose socket is reached through a symlink the test controls,
// so the "daemon" can be absent, appear, die and come back.
class DockerEngineTest : public ::testing::Test {
 protected:
  DockerEngineTest() : fake_(FakeEngine::kDockerVersion) {
    char tmpl[] = "/tmp/docker-engine-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    link_ = dir_ + "/docker.sock";
    fake_.SetImage(Id("1a"), kImage);
  }
  ~DockerEngineTest() override {
    engine_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartServer() {
    server_ = std::make_unique<FakeHttpServer>(fake_.Handler());
    std::filesystem::remove(link_);
    std::filesystem::create_symlink(server_->socket_path(), link_);
  }
  void StartEngine(PluginConfig config = {}, EngineTiming timing = FastTiming()) {
    engine_ = std::make_unique<DockerEngine>(std::vector<std::string>{link_}, config, logger_, timing);
    engine_->Start(sink_);
  }
  // Started and following events.
  void StartConnected(PluginConfig config = {}, EngineTiming timing = FastTiming()) {
    StartServer();
    StartEngine(config, timing);
    ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
    ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  }

  std::string dir_, link_;
  FakeEngine fake_;
  CapturingLogger logger_;
  RecordingSink sink_;
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<DockerEngine> engine_;  // destroyed first: stops before the server goes
};

TEST_F(DockerEngineTest, ListsExistingContainersAtStart) {
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "web"));
  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "db"));
  StartServer();
  StartEngine();
  EXPECT_EQ(engine_->name(), "docker");
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));

  const auto web = sink_.Added(Id("c1"));
  ASSERT_TRUE(web.has_value());
  EXPECT_TRUE(sink_.Added(Id("c2")).has_value());
  EXPECT_EQ(web->type, ContainerType::kDocker);
  EXPECT_EQ(web->id, Id("c1").substr(0, 12));
  EXPECT_EQ(web->name, "web");
  EXPECT_EQ(web->image, "nginx:1.25");
  EXPECT_EQ(web->image_repo, "nginx");
  EXPECT_EQ(web->image_tag, "1.25");
  EXPECT_EQ(web->image_digest, "sha256:abc");  // from the image inspect
  EXPECT_EQ(web->ip, "172.17.0.2");
  EXPECT_EQ(web->labels.at("app"), "web");

  const auto stats = engine_->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.reconnects, 0u);
  EXPECT_EQ(stats.last_error, "");
  // Server speaks 1.43: we stay at 1.41.
  EXPECT_GE(CountRequests(*server_, "/v1.41/containers/json?all=true"), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "(API 1.41, 2 containers listed)"));
  // Once every listed container was inspected: when the metadata is complete.
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo,
                               "docker: the 2 containers listed on " + link_ + " are inspected, in "));
}

// A removal event that was never read (a line lost or malformed): the
// periodic reconciling list finds the container gone and reports it removed;
// what is still there, or was shown after the list was asked for, stays.
TEST_F(DockerEngineTest, AContainerGoneWithoutAnEventIsRemovedByTheReconcilingList) {
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "kept"));
  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "lost"));
  EngineTiming timing = FastTiming();
  timing.reconcile_interval = 30ms;
  StartConnected({}, timing);
  ASSERT_TRUE(sink_.WaitForAdded(Id("c2")).has_value());
  fake_.SetContainer(Id("c3"), Inspect(Id("c3"), "evented"));
  fake_.PushEvent(EventLine("create", Id("c3")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c3")).has_value());

  fake_.RemoveContainer(Id("c2"));
  ASSERT_TRUE(WaitFor([&] { return !sink_.removed().empty(); }));
  // A few more rounds: nothing else goes.
  const int lists = fake_.lists();
  ASSERT_TRUE(WaitFor([&] { return fake_.lists() >= lists + 3; }));
  const auto removed = sink_.removed();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].full_id, Id("c2"));
  EXPECT_EQ(removed[0].type, ContainerType::kDocker);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "docker: 1 containers shown by " + link_ +
                                                    " are no longer listed and no removal event was read"));
  EXPECT_EQ(engine_->stats().reconnects, 0u);  // listed on a connection of its own
  EXPECT_EQ(engine_->stats().removals_relisted, 1u);
}

TEST_F(DockerEngineTest, NeverAsksForAVersionAboveTheServers) {
  FakeEngine old_engine(R"({"ApiVersion":"1.40","MinAPIVersion":"1.12"})");
  FakeHttpServer server(old_engine.Handler());
  DockerEngine engine({server.socket_path()}, PluginConfig{}, logger_, FastTiming());
  engine.Start(sink_);
  ASSERT_TRUE(WaitFor([&] { return old_engine.subscriptions() >= 1; }));
  EXPECT_GE(CountRequests(server, "/v1.40/containers/json"), 1u);
  EXPECT_EQ(CountRequests(server, "/v1.41/"), 0u);
  engine.Stop();
}

TEST_F(DockerEngineTest, CreateEventIsInspectedAndReported) {
  StartConnected();
  // Default hooks: create (and destroy), not start; events since the listing.
  ASSERT_GE(CountRequests(*server_, "/events?since="), 1u);
  EXPECT_GE(CountRequests(*server_, "%22create%22"), 1u);
  EXPECT_GE(CountRequests(*server_, "%22destroy%22"), 1u);
  EXPECT_EQ(CountRequests(*server_, "%22start%22"), 0u);

  fake_.SetContainer(Id("c3"), Inspect(Id("c3"), "new"));
  fake_.PushEvent(EventLine("create", Id("c3")));
  // First what the event itself carries (the engine may hold the inspect
  // back until the container has started), then the inspected record.
  const auto from_event = sink_.WaitForAddedNth(Id("c3"), 0);
  ASSERT_TRUE(from_event.has_value());
  EXPECT_EQ(from_event->name, "x");
  EXPECT_EQ(from_event->image, "busybox:1.36");
  EXPECT_EQ(from_event->image_tag, "1.36");
  EXPECT_EQ(from_event->labels.at("app"), "web");
  EXPECT_EQ(from_event->id, Id("c3").substr(0, 12));
  const auto info = sink_.WaitForAddedNth(Id("c3"), 1);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->name, "new");
  EXPECT_EQ(info->image_digest, "sha256:abc");
  EXPECT_EQ(engine_->stats().events, 1u);
}

// Timing for the held-inspect tests: the request deadline is beyond the hang
// guard, so no inspect gives up while the test holds it.
EngineTiming PatientTiming(size_t inspect_workers) {
  EngineTiming timing = FastTiming();
  timing.request_deadline = 60s;
  timing.inspect_workers = inspect_workers;
  return timing;
}

// The defect of issue 8: dockerd holds an inspect until the container has
// started, and inspecting on the event thread made the next container's
// create event wait behind it.
TEST_F(DockerEngineTest, AHeldInspectDelaysNoOtherContainer) {
  StartConnected({}, PatientTiming(2));
  fake_.SetContainer(Id("a1"), Inspect(Id("a1"), "held"));
  fake_.SetContainer(Id("b1"), Inspect(Id("b1"), "next"));
  fake_.HoldInspect(Id("a1"));
  fake_.PushEvent(EventLine("create", Id("a1")));
  ASSERT_TRUE(WaitFor([&] { return fake_.held_inspects() == 1; }));
  fake_.PushEvent(EventLine("create", Id("b1")));
  const auto next = sink_.WaitForAddedNth(Id("b1"), 1);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->name, "next");
  // a1: its event's own record, its inspect still held.
  EXPECT_EQ(sink_.CountAdded(Id("a1")), 1u);
  EXPECT_EQ(fake_.held_inspects(), 1);
  fake_.ReleaseInspect(Id("a1"));
  const auto held = sink_.WaitForAddedNth(Id("a1"), 1);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->name, "held");
}

// Under a burst of starts dockerd may hold an inspect past the request
// deadline; the event's inspect is asked again rather than leaving the
// container with only what its event said.
TEST_F(DockerEngineTest, AnInspectThatTimedOutIsAskedAgain) {
  EngineTiming timing = FastTiming();
  timing.request_deadline = 200ms;
  timing.event_inspect_attempts = 3;
  StartConnected({}, timing);
  fake_.SetContainer(Id("a1"), Inspect(Id("a1"), "slow"));
  fake_.HoldInspect(Id("a1"));
  fake_.PushEvent(EventLine("create", Id("a1")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("a1")).has_value());  // what the event said
  // The first attempt gives up at the deadline; the second one waits too.
  ASSERT_TRUE(WaitFor([&] { return CountRequests(*server_, "/containers/" + Id("a1") + "/json") >= 2; }));
  fake_.ReleaseInspect(Id("a1"));
  const auto full = sink_.WaitForAddedNth(Id("a1"), 1);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->name, "slow");
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "cannot inspect " + Id("a1")));
}

TEST_F(DockerEngineTest, ARemovalDropsTheInspectStillHeld) {
  StartConnected({}, PatientTiming(1));
  fake_.SetContainer(Id("a1"), Inspect(Id("a1"), "held"));
  fake_.SetContainer(Id("b1"), Inspect(Id("b1"), "next"));
  fake_.HoldInspect(Id("a1"));
  fake_.PushEvent(EventLine("create", Id("a1")));
  ASSERT_TRUE(WaitFor([&] { return fake_.held_inspects() == 1; }));
  fake_.PushEvent(EventLine("destroy", Id("a1")));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  fake_.ReleaseInspect(Id("a1"));
  // One inspect worker: b1 is inspected once a1's late result was dealt with.
  fake_.PushEvent(EventLine("create", Id("b1")));
  ASSERT_TRUE(sink_.WaitForAddedNth(Id("b1"), 1).has_value());
  EXPECT_EQ(CountRequests(*server_, "/containers/" + Id("a1") + "/json"), 1u);
  EXPECT_EQ(sink_.CountAdded(Id("a1")), 1u);  // the event's own record, before the removal
  EXPECT_EQ(sink_.removed()[0].full_id, Id("a1"));
}

TEST_F(DockerEngineTest, DestroyEventReportsMinimalRemoval) {
  StartConnected();
  fake_.PushEvent(EventLine("destroy", Id("c4")));
  ASSERT_TRUE(WaitFor([&] { return sink_.removed().size() == 1; }));
  const ContainerInfo removed = sink_.removed()[0];
  EXPECT_EQ(removed.full_id, Id("c4"));
  EXPECT_EQ(removed.id, Id("c4").substr(0, 12));
  EXPECT_EQ(removed.type, ContainerType::kDocker);
}

TEST_F(DockerEngineTest, StartHookIgnoresCreate) {
  PluginConfig config;
  config.hooks = kHookStart;
  StartConnected(config);
  EXPECT_GE(CountRequests(*server_, "%22start%22"), 1u);
  EXPECT_EQ(CountRequests(*server_, "%22create%22"), 0u);

  fake_.SetContainer(Id("c5"), Inspect(Id("c5"), "created"));
  fake_.SetContainer(Id("c6"), Inspect(Id("c6"), "started"));
  // A real engine would filter; the fake does not, so the watcher must.
  fake_.PushEvent(EventLine("create", Id("c5")));
  fake_.PushEvent(EventLine("start", Id("c6")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c6")).has_value());
  EXPECT_EQ(sink_.CountAdded(Id("c5")), 0u);  // events are handled in order
}

TEST_F(DockerEngineTest, SocketMissingAtStartThenAppears) {
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "web"));
  StartEngine();
  // The first attempt failed: the initial list is "done" (unreachable).
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  auto stats = engine_->stats();
  EXPECT_FALSE(stats.connected);
  EXPECT_NE(stats.last_error.find(link_), std::string::npos) << stats.last_error;

  StartServer();
  ASSERT_TRUE(sink_.WaitForAdded(Id("c1")).has_value());
  ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  stats = engine_->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.reconnects, 1u);
  EXPECT_EQ(stats.last_error, "");
  // One log line for the outage, not one per retry.
  EXPECT_EQ(logger_.Count(LogLevel::kInfo, "retrying in the background"), 1u);
}

TEST_F(DockerEngineTest, StreamEndResubscribesAndRelists) {
  StartConnected();
  const int lists_before = fake_.lists();
  // Created while the watcher is not told: only a re-list finds it.
  fake_.SetContainer(Id("c7"), Inspect(Id("c7"), "quiet"));
  fake_.EndStreams();
  ASSERT_TRUE(sink_.WaitForAdded(Id("c7")).has_value());
  ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 2; }));
  EXPECT_GT(fake_.lists(), lists_before);
  EXPECT_GE(engine_->stats().reconnects, 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "event stream ended"));

  // Still following events after the resubscription.
  fake_.SetContainer(Id("c8"), Inspect(Id("c8"), "after"));
  fake_.PushEvent(EventLine("create", Id("c8")));
  EXPECT_TRUE(sink_.WaitForAdded(Id("c8")).has_value());
}

TEST_F(DockerEngineTest, DaemonKilledAndRestartedIsRelisted) {
  StartConnected();
  server_.reset();  // connections cut mid-stream
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  EXPECT_FALSE(engine_->stats().last_error.empty());
  fake_.SetContainer(Id("c9"), Inspect(Id("c9"), "survivor"));
  StartServer();
  ASSERT_TRUE(sink_.WaitForAdded(Id("c9")).has_value());
  // Counted once the re-list is done, which may trail the report of c9.
  EXPECT_TRUE(WaitFor([&] { return engine_->stats().reconnects >= 1; }));
}

TEST_F(DockerEngineTest, HangingEngineNeverBlocksStartOrStop) {
  FakeHttpServer hang(FakeHttpServer::Hang());
  EngineTiming timing = FastTiming();
  timing.request_deadline = 60s;  // Stop must not wait for it
  auto engine = std::make_unique<DockerEngine>(std::vector<std::string>{hang.socket_path()}, PluginConfig{},
                                               logger_, timing);
  const auto start = std::chrono::steady_clock::now();
  engine->Start(sink_);
  engine->RequestLookup("abc");
  ASSERT_TRUE(WaitFor([&] { return hang.connections() >= 1; }));
  EXPECT_FALSE(engine->WaitForInitialList(20ms));
  engine->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);  // hang guard, not a benchmark
  EXPECT_FALSE(engine->stats().connected);
}

// A malformed inspect is not asked again; what the list (or the event) said
// of the container is all it gets.
TEST_F(DockerEngineTest, MalformedInspectKeepsWhatTheListOrTheEventSaid) {
  fake_.SetContainer(Id("b1"), R"({"Id":"truncated)");
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "web"));
  StartConnected();
  EXPECT_TRUE(sink_.Added(Id("c1")).has_value());
  ASSERT_EQ(sink_.CountAdded(Id("b1")), 1u);
  EXPECT_EQ(sink_.Added(Id("b1"))->ip, "");  // the fake's list says only the id
  EXPECT_EQ(CountRequests(*server_, "/containers/" + Id("b1") + "/json"), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "malformed inspect of " + Id("b1")));

  fake_.SetContainer(Id("b2"), "[1,2");
  fake_.SetContainer(Id("c2"), Inspect(Id("c2"), "next"));
  fake_.PushEvent(EventLine("create", Id("b2")));
  fake_.PushEvent("{not json");
  fake_.PushEvent(EventLine("create", Id("c2")));
  ASSERT_TRUE(sink_.WaitForAdded(Id("c2")).has_value());
  // Only what the create event itself said: the malformed inspect added nothing.
  EXPECT_EQ(sink_.CountAdded(Id("b2")), 1u);
  EXPECT_EQ(sink_.Added(Id("b2"))->name, "x");
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "skipping malformed event"));
  // b2's inspect runs on a worker, perhaps still when c2's event is reported.
  EXPECT_TRUE(WaitFor([&] { return engine_->stats().inspect_errors >= 2; }));
  EXPECT_TRUE(engine_->stats().connected);
}

TEST_F(DockerEngineTest, SharedNetworkNamespaceTakesTheOtherContainersIp) {
  fake_.SetContainer(
      Id("a1"), R"({"Id":")" + Id("a1") + R"(","Name":"/infra","NetworkSettings":{"IPAddress":"10.1.2.3"}})");
  fake_.SetContainer(Id("a2"), R"({"Id":")" + Id("a2") +
                                   R"(","Name":"/member","HostConfig":{"NetworkMode":"container:)" +
                                   Id("a1") + R"("},"NetworkSettings":{"IPAddress":""}})");
  StartConnected();
  const auto member = sink_.Added(Id("a2"));
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->ip, "10.1.2.3");
}

TEST_F(DockerEngineTest, WithSizeAsksForSize) {
  PluginConfig config;
  config.with_size = true;
  fake_.SetContainer(Id("c1"), Inspect(Id("c1"), "web", R"(,"SizeRw":4096)"));
  StartConnected(config);
  EXPECT_GE(CountRequests(*server_, "/containers/" + Id("c1") + "/json?size=true"), 1u);
  EXPECT_EQ(sink_.Added(Id("c1"))->size, 4096);
}

TEST_F(DockerEngineTest, LookupOfAnIdThatAppearsLaterSucceeds) {
  StartConnected();
  const std::string short_id = Id("d1").substr(0, 12);
  engine_->RequestLookup(short_id);
  engine_->RequestLookup(short_id);  // deduplicated while queued
  ASSERT_TRUE(WaitFor([&] { return CountRequests(*server_, "/containers/" + short_id + "/json") >= 1; }));
  fake_.SetContainer(Id("d1"), Inspect(Id("d1"), "late"));
  ASSERT_TRUE(sink_.WaitForAdded(Id("d1")).has_value());
  const auto stats = engine_->stats();
  EXPECT_EQ(stats.lookups, 2u);
  EXPECT_EQ(stats.lookup_failures, 0u);
  EXPECT_EQ(sink_.CountAdded(Id("d1")), 1u);
}

TEST_F(DockerEngineTest, LookupGivesUpAfterBoundedAttempts) {
  EngineTiming timing = FastTiming();
  timing.lookup_attempts = 3;
  timing.lookup_retry_initial = 5ms;
  StartServer();
  StartEngine(PluginConfig{}, timing);
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  engine_->RequestLookup("feedface");
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().lookup_failures == 1; }));
  EXPECT_EQ(CountRequests(*server_, "/containers/feedface/json"), 3u);
}

TEST_F(DockerEngineTest, LookupQueueIsBounded) {
  EngineTiming timing = FastTiming();
  timing.lookup_queue_capacity = 4;
  // Not started: nothing drains the queue.
  DockerEngine engine({link_}, PluginConfig{}, logger_, timing);
  for (int i = 0; i < 6; ++i) engine.RequestLookup("id" + std::to_string(i));
  engine.RequestLookup("id0");
  const auto stats = engine.stats();
  EXPECT_EQ(stats.lookups, 7u);
  EXPECT_EQ(stats.lookup_failures, 2u);
  EXPECT_FALSE(engine.WaitForInitialList(1ms));
}

TEST_F(DockerEngineTest, StopIsIdempotentAndWorksWithoutStart) {
  DockerEngine never_started({link_}, PluginConfig{}, logger_, FastTiming());
  never_started.Stop();
  never_started.Stop();
  StartConnected();
  engine_->Stop();
  engine_->Stop();
  EXPECT_FALSE(engine_->stats().connected);
}

}  // namespace
}  // namespace libcontainer
