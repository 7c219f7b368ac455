// The docker watcher against an engine that drips answers a byte at a time
// (slowloris) or sends 100 MB, for an inspect and on the events stream: the
// request deadline ends the drip with a warning, Stop() does not wait for it,
// other containers are not held up, and a body over the cap is refused once
// (not asked again) while later requests work (issue 11, faults).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engines/docker/docker_engine.h"
#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "engines/fault_scripts.h"

namespace libcontainer::fault_testing {
namespace {

class HttpEngineFaultsTest : public ::testing::Test {
 protected:
  HttpEngineFaultsTest() : fake_(FakeEngine::kDockerVersion) {}
  ~HttpEngineFaultsTest() override {
    engine_.reset();
    server_.reset();
  }

  void StartConnected(EngineTiming timing) {
    server_ = std::make_unique<FakeHttpServer>(fake_.Handler());
    engine_ = std::make_unique<DockerEngine>(std::vector<std::string>{server_->socket_path()}, PluginConfig{},
                                             logger_, timing);
    engine_->Start(sink_);
    ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
    ASSERT_TRUE(WaitFor([&] { return fake_.subscriptions() >= 1; }));
  }
  // Connected with `timing`, then s1 is created, its inspect answered a
  // byte every `interval`.
  void StartAndCreateDripped(EngineTiming timing, std::chrono::milliseconds interval) {
    const std::string doc = InspectDoc(Id("s1"), "slow");
    fake_.Override(
        "/containers/" + Id("s1") + "/json", [this, doc, interval](FakeConnection& conn, const FakeRequest&) {
          dripping_.fetch_add(1);
          Drip(conn, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(doc.size()) + "\r\n\r\n" + doc,
               interval, &finished_);
          return Served::kClose;
        });
    StartConnected(timing);
    fake_.PushEvent(EventLine("create", Id("s1")));
  }
  // A create event for a container the engine inspects normally; waits for
  // its inspected record.
  bool CreatedAndInspected(const std::string& id) {
    fake_.SetContainer(id, InspectDoc(id, "quick"));
    fake_.PushEvent(EventLine("create", id));
    const auto info = sink_.WaitForAddedNth(id, 1);
    return info.has_value() && info->name == "quick";
  }

  FakeEngine fake_;
  CapturingLogger logger_;
  RecordingSink sink_;
  std::atomic<int> dripping_{0};  // drips started
  std::atomic<int> finished_{0};  // drips that got to their end
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<DockerEngine> engine_;  // destroyed first: stops before the server goes
};

// A drip far longer than the test, with a deadline longer still: another
// container's inspect goes on meanwhile, and Stop() returns before the drip
// is over (ordered, not timed).
TEST_F(HttpEngineFaultsTest, ADrippedInspectHoldsUpNoOtherContainerNorStop) {
  EngineTiming timing = FastTiming();
  timing.request_deadline = 600s;
  timing.inspect_workers = 2;
  StartAndCreateDripped(timing, 1s);
  ASSERT_TRUE(WaitFor([&] { return dripping_.load() == 1; }));
  ASSERT_TRUE(CreatedAndInspected(Id("q1")));
  EXPECT_EQ(sink_.CountAdded(Id("s1")), 1u);  // what its event said
  engine_->Stop();
  EXPECT_EQ(finished_.load(), 0);
  EXPECT_EQ(sink_.CountAdded(Id("s1")), 1u);
}

// Each byte comes well inside the deadline, the answer not: the deadline on
// the whole answer ends each attempt with a warning; the container keeps what
// its event said, and the engine's other answers are used.
TEST_F(HttpEngineFaultsTest, ADrippedInspectEndsAtTheRequestDeadline) {
  EngineTiming timing = FastTiming();
  timing.request_deadline = 500ms;
  timing.event_inspect_attempts = 2;
  StartAndCreateDripped(timing, 100ms);
  ASSERT_TRUE(WaitFor([&] { return logger_.Count(LogLevel::kWarning, "cannot inspect " + Id("s1")) == 2; }));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "/containers/" + Id("s1") + "/json on unix socket " +
                                                       server_->socket_path() + ": timed out after 500 ms"));
  ASSERT_TRUE(CreatedAndInspected(Id("q1")));
  engine_->Stop();
  EXPECT_EQ(finished_.load(), 0);
  EXPECT_EQ(CountRequests(*server_, "/containers/" + Id("s1") + "/json"), 2u);
  ASSERT_EQ(sink_.CountAdded(Id("s1")), 1u);
  EXPECT_EQ(sink_.Added(Id("s1"))->name, "x");
}

// The events stream's headers dripped: the deadline ends the attempt, the
// watcher says so and reconnects; Stop() does not wait for the drip.
TEST_F(HttpEngineFaultsTest, DrippedEventStreamHeadersEndAtTheRequestDeadline) {
  std::atomic<int> streams{0};
  fake_.Override("/events", [&](FakeConnection& conn, const FakeRequest&) {
    if (streams.fetch_add(1) > 0) return Served::kDefault;
    dripping_.fetch_add(1);
    Drip(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 100ms, &finished_);
    return Served::kClose;
  });
  EngineTiming timing = FastTiming();
  timing.request_deadline = 500ms;
  StartConnected(timing);  // listed; following once the second stream answers
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "no response headers within 500 ms; reconnecting"));
  ASSERT_TRUE(CreatedAndInspected(Id("q1")));
  engine_->Stop();
  EXPECT_EQ(finished_.load(), 0);
  EXPECT_EQ(engine_->stats().reconnects, 1u);
}

// 100 MB of inspect: refused at the cap, not asked again (a bad answer stays
// bad); the container keeps what its event said and later inspects work.
TEST_F(HttpEngineFaultsTest, A100MBInspectIsRefusedOnceAndLaterInspectsWork) {
  std::atomic<uint64_t> sent{0};
  fake_.Override("/containers/" + Id("h1") + "/json", [&](FakeConnection& conn, const FakeRequest&) {
    Flood(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", k100MB, ' ', /*chunked=*/true,
          &sent);
    return Served::kClose;
  });
  // What is tested is the cap: a deadline that the 16 MiB read before it
  // could outlast (sanitizer builds) would end the attempt first.
  EngineTiming timing = FastTiming();
  timing.request_deadline = 60s;
  StartConnected(timing);
  fake_.PushEvent(EventLine("create", Id("h1")));
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().inspect_errors == 1; }));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "unusable inspect of container " + Id("h1")));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "response body exceeds 16777216 bytes"));
  ASSERT_TRUE(CreatedAndInspected(Id("q1")));
  engine_->Stop();
  EXPECT_LT(sent.load(), k100MB);
  EXPECT_EQ(CountRequests(*server_, "/containers/" + Id("h1") + "/json"), 1u);
  ASSERT_EQ(sink_.CountAdded(Id("h1")), 1u);
  EXPECT_EQ(sink_.Added(Id("h1"))->name, "x");
}

// One event line of 100 MB: the stream is dropped at the cap and followed
// again; the events after the reconnect are handled.
TEST_F(HttpEngineFaultsTest, A100MBEventLineCostsTheStreamNotTheWatcher) {
  std::atomic<uint64_t> sent{0};
  std::atomic<int> streams{0};
  fake_.Override("/events", [&](FakeConnection& conn, const FakeRequest&) {
    if (streams.fetch_add(1) > 0) return Served::kDefault;
    Flood(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", k100MB, 'x', /*chunked=*/true,
          &sent);
    return Served::kClose;
  });
  StartConnected(FastTiming());
  ASSERT_TRUE(WaitFor([&] { return streams.load() == 2 && fake_.subscriptions() == 1; }));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "stream line exceeds 16777216 bytes; reconnecting"));
  ASSERT_TRUE(CreatedAndInspected(Id("q1")));
  engine_->Stop();
  EXPECT_LT(sent.load(), k100MB);
}

}  // namespace
}  // namespace libcontainer::fault_testing
