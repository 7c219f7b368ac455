// InspectPipeline without any engine: scripted attempts that the test holds
// and releases, so orderings are asserted, never durations.
#include "engines/inspect_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/fake_engine.h"
#include "engines/scripted_attempts.h"

namespace libcontainer {
namespace {

using namespace std::chrono_literals;
using engine_testing::CapturingLogger;
using engine_testing::kGuard;
using engine_testing::WaitFor;
using pipeline_testing::Attempts;
using pipeline_testing::Info;
using pipeline_testing::OrderSink;
using pipeline_testing::Removal;
using pipeline_testing::Timing;

using InspectPipelineTest = pipeline_testing::PipelineTest;

TEST_F(InspectPipelineTest, AHeldInspectDelaysNoOtherContainer) {
  InspectPipeline& pipeline = Start(Timing(2));
  attempts_.Hold("a");
  ASSERT_TRUE(pipeline.Inspect("a", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("a") == 1; }));
  ASSERT_TRUE(pipeline.Inspect("b", attempts_.Attempt()));
  ASSERT_TRUE(pipeline.Inspect("c", attempts_.Attempt()));
  ASSERT_TRUE(sink_.WaitForEntry("+b"));
  ASSERT_TRUE(sink_.WaitForEntry("+c"));
  EXPECT_EQ(sink_.Count("+a"), 0u);  // still held
  attempts_.Release("a");
  ASSERT_TRUE(sink_.WaitForEntry("+a"));
  EXPECT_EQ(sink_.log().back(), "+a");
  for (size_t worker : attempts_.workers()) EXPECT_LT(worker, 2u);
}

TEST_F(InspectPipelineTest, AnIdQueuedTwiceIsInspectedOnce) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  // Pending behind the blocker: merged.
  ASSERT_TRUE(pipeline.Inspect("x", attempts_.Attempt()));
  ASSERT_TRUE(pipeline.Inspect("x", attempts_.Attempt()));
  pipeline.Lookup("x");
  // In flight: merged too.
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  attempts_.Release("blocker");
  ASSERT_TRUE(sink_.WaitForEntry("+x"));
  ASSERT_TRUE(pipeline.Inspect("y", attempts_.Attempt()));  // one worker: behind everything above
  ASSERT_TRUE(sink_.WaitForEntry("+y"));
  EXPECT_EQ(attempts_.Tries("x"), 1);
  EXPECT_EQ(attempts_.Tries("blocker"), 1);
  EXPECT_EQ(sink_.Count("+x"), 1u);
  EXPECT_EQ(sink_.Count("+blocker"), 1u);
  EXPECT_EQ(counters_.lookups.load(), 1u);
  EXPECT_EQ(counters_.lookup_failures.load(), 0u);
}

TEST_F(InspectPipelineTest, ARemovalDropsTheLateResultAndWhatIsQueued) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("a");
  ASSERT_TRUE(pipeline.Inspect("a", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("a") == 1; }));
  ASSERT_TRUE(pipeline.Inspect("b", attempts_.Attempt()));  // pending behind a
  pipeline.Lookup("b");                                     // the same, merged
  pipeline.Lookup("c12345");                                // a short id of c123456789
  pipeline.Removed(Removal("a"));
  pipeline.Removed(Removal("b"));
  pipeline.Removed(Removal("c123456789"));
  ASSERT_TRUE(pipeline.Inspect("a", attempts_.Attempt()));  // in flight and removed: ignored
  attempts_.Release("a");
  ASSERT_TRUE(WaitFor([&] { return attempts_.Done("a") == 1; }));
  // One worker: once d is reported, a's result was dealt with.
  ASSERT_TRUE(pipeline.Inspect("d", attempts_.Attempt()));
  ASSERT_TRUE(sink_.WaitForEntry("+d"));
  EXPECT_EQ(sink_.log(), (std::vector<std::string>{"-a", "-b", "-c123456789", "+d"}));
  EXPECT_EQ(attempts_.Tries("a"), 1);
  EXPECT_EQ(attempts_.Tries("b"), 0);
  EXPECT_EQ(attempts_.Tries("c12345"), 0);
  EXPECT_EQ(counters_.lookup_failures.load(), 0u);  // dropped, not failed
  // Its slots are free again: the lookup bound counts none of them.
  EXPECT_TRUE(pipeline.Inspect("b", attempts_.Attempt()));
  ASSERT_TRUE(sink_.WaitForEntry("+b"));
}

// A sink that holds the record of `held` until released, as a slow sink would.
class SlowSink : public OrderSink {
 public:
  void OnContainer(const ContainerInfo& info) override {
    if (info.full_id == "a") {
      entered_ = true;
      WaitFor([&] { return released_.load(); });
    }
    OrderSink::OnContainer(info);
  }
  std::atomic<bool> entered_{false}, released_{false};
};

TEST_F(InspectPipelineTest, ARemovalWaitsForTheResultBeingReported) {
  SlowSink sink;
  InspectPipeline pipeline("test", logger_, Timing(1), counters_);
  pipeline.Start(sink, attempts_.Attempt());
  ASSERT_TRUE(pipeline.Inspect("a", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return sink.entered_.load(); }));
  std::atomic<bool> removing{false};
  std::thread remover([&] {
    removing = true;
    pipeline.Removed(Removal("a"));
  });
  ASSERT_TRUE(WaitFor([&] { return removing.load(); }));
  // Gives a removal that does not wait a chance to overtake; a removal that
  // waits passes whatever the scheduling.
  std::this_thread::sleep_for(50ms);
  sink.released_ = true;
  remover.join();
  EXPECT_EQ(sink.log(), (std::vector<std::string>{"+a", "-a"}));
  pipeline.Stop();
}

// An event inspect is tried timing.event_inspect_attempts (2) times while its
// attempt asks for a retry; a lookup merged into it raises that to
// timing.lookup_attempts (3).
TEST_F(InspectPipelineTest, AFailedEventInspectRetriesAsOftenAsTimingSays) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.FoundAt("x", 3);
  attempts_.FoundAt("y", 0);  // never
  attempts_.Hold("x");
  ASSERT_TRUE(pipeline.Inspect("x", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("x") == 1; }));
  pipeline.Lookup("x");  // while in flight
  attempts_.Release("x");
  ASSERT_TRUE(sink_.WaitForEntry("+x"));
  EXPECT_EQ(attempts_.Tries("x"), 3);

  ASSERT_TRUE(pipeline.Inspect("y", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Done("y") == 2; }));
  ASSERT_TRUE(pipeline.Inspect("z", attempts_.Attempt()));
  ASSERT_TRUE(sink_.WaitForEntry("+z"));
  EXPECT_EQ(attempts_.Tries("y"), 2);
  EXPECT_EQ(sink_.Count("+y"), 0u);
  EXPECT_EQ(counters_.lookup_failures.load(), 0u);
}

TEST_F(InspectPipelineTest, LookupsRetryUntilFoundThenGiveUp) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.FoundAt("late", 2);
  attempts_.FoundAt("never", 0);
  pipeline.Lookup("late");
  pipeline.Lookup("never");
  ASSERT_TRUE(WaitFor([&] { return counters_.lookup_failures.load() == 1; }));
  EXPECT_EQ(attempts_.Tries("late"), 2);
  EXPECT_EQ(attempts_.Tries("never"), 3);  // lookup_attempts
  EXPECT_EQ(sink_.Count("+late"), 1u);
  EXPECT_EQ(counters_.lookups.load(), 2u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kDebug, "test: gave up looking up never"));
  pipeline.Stop();
  EXPECT_EQ(attempts_.Tries("never"), 3);
}

TEST_F(InspectPipelineTest, QueuesAreBounded) {
  EngineTiming timing = Timing(1);
  timing.inspect_queue_capacity = 2;
  timing.lookup_queue_capacity = 1;
  InspectPipeline& pipeline = Start(timing);
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  EXPECT_TRUE(pipeline.Inspect("x", attempts_.Attempt()));
  EXPECT_FALSE(pipeline.Inspect("y", attempts_.Attempt()));  // blocker and x fill it
  EXPECT_TRUE(pipeline.Inspect("x", attempts_.Attempt()));   // merged: takes no room
  pipeline.Lookup("l1");
  pipeline.Lookup("l2");  // the lookups have their own bound
  EXPECT_EQ(counters_.inspect_errors.load(), 1u);
  EXPECT_EQ(counters_.lookup_failures.load(), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "2 inspects queued; not inspecting y"));
  attempts_.Release("blocker");
  ASSERT_TRUE(sink_.WaitForEntry("+l1"));
  ASSERT_TRUE(sink_.WaitForEntry("+x"));
  EXPECT_EQ(attempts_.Tries("y"), 0);
  EXPECT_EQ(attempts_.Tries("l2"), 0);
}

TEST_F(InspectPipelineTest, StopJoinsOnceTheAttemptsInProgressReturn) {
  EngineTiming timing = Timing(2);
  timing.lookup_retry_initial = 600s;
  InspectPipeline& pipeline = Start(timing);
  attempts_.FoundAt("far", 0);
  pipeline.Lookup("far");  // its retry is ten minutes away
  ASSERT_TRUE(WaitFor([&] { return attempts_.Done("far") == 1; }));
  attempts_.Hold("a");
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("a", attempts_.Attempt()));
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("a") == 1 && attempts_.Tries("blocker") == 1; }));
  ASSERT_TRUE(pipeline.Inspect("queued", attempts_.Attempt()));
  std::thread stopper([&] { pipeline.Stop(); });
  // Inspect refuses once Stop has begun; until then "probe" queues behind
  // the held attempts and then merges.
  ASSERT_TRUE(WaitFor([&] { return !pipeline.Inspect("probe", attempts_.Attempt()); }));
  // What makes the attempts in progress return, as a watcher's stop flag or
  // cancelled calls would.
  attempts_.Release("a");
  attempts_.Release("blocker");
  stopper.join();  // returns although "far" and "queued" are still queued
  EXPECT_EQ(attempts_.Tries("queued"), 0);
  EXPECT_EQ(attempts_.Tries("probe"), 0);
  EXPECT_EQ(attempts_.Tries("far"), 1);
  EXPECT_FALSE(pipeline.Inspect("later", attempts_.Attempt()));
  pipeline.Lookup("later");
  EXPECT_EQ(attempts_.Tries("later"), 0);
  pipeline.Stop();  // idempotent
}

TEST(InspectPipelineNotStarted, StopWithoutStartAndQueueingBeforeStart) {
  CapturingLogger logger;
  EngineCounters counters;
  InspectPipeline pipeline("test", logger, Timing(2), counters);
  EXPECT_TRUE(pipeline.Inspect("x", [](const std::string&, size_t) { return InspectPipeline::Result{}; }));
  pipeline.Lookup("y");
  EXPECT_EQ(counters.lookups.load(), 1u);
  pipeline.Stop();
  pipeline.Stop();
}

}  // namespace
}  // namespace libcontainer
