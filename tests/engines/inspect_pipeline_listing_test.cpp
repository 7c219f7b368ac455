// The listing lane of InspectPipeline: the containers a session listed are
// inspected behind every event inspect and lookup, each once, and the
// listing's `done` comes once all of them have ended. Scripted attempts the
// test holds and releases: orderings and counts, never durations.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "engines/inspect_pipeline.h"
#include "engines/scripted_attempts.h"

namespace libcontainer {
namespace {

using engine_testing::WaitFor;
using pipeline_testing::Removal;
using pipeline_testing::Timing;

class InspectListedTest : public pipeline_testing::PipelineTest {
 protected:
  // Lists `ids` with attempts_; done_ counts the calls of `done`.
  void List(InspectPipeline& pipeline, const std::vector<std::string>& ids) {
    std::vector<std::pair<std::string, InspectPipeline::Attempt>> listed;
    for (const std::string& id : ids) listed.emplace_back(id, attempts_.Attempt());
    pipeline.InspectListed(std::move(listed), [this] { done_.fetch_add(1); });
  }
  size_t Position(const std::string& entry) const {
    const auto log = sink_.log();
    return static_cast<size_t>(std::find(log.begin(), log.end(), entry) - log.begin());
  }

  std::atomic<int> done_{0};
};

TEST_F(InspectListedTest, EventsAndLookupsGoBeforeTheListedContainersLeft) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  List(pipeline, {"l1", "l2", "l3"});
  // Asked for after the listing, while the one worker is busy.
  ASSERT_TRUE(pipeline.Inspect("event", attempts_.Attempt()));
  pipeline.Lookup("lookup");
  attempts_.Release("blocker");
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  ASSERT_TRUE(sink_.WaitForEntry("+lookup"));
  for (const char* listed : {"+l1", "+l2", "+l3"}) {
    EXPECT_LT(Position("+event"), Position(listed)) << listed;
    EXPECT_LT(Position("+lookup"), Position(listed)) << listed;
    EXPECT_EQ(sink_.Count(listed), 1u);
  }
  // In listing order.
  EXPECT_LT(Position("+l1"), Position("+l2"));
  EXPECT_LT(Position("+l2"), Position("+l3"));
  EXPECT_EQ(pipeline.queued(), 0u);
}

TEST_F(InspectListedTest, EveryWorkerTakesListedContainers) {
  InspectPipeline& pipeline = Start(Timing(3));
  for (const char* id : {"l1", "l2", "l3"}) attempts_.Hold(id);
  List(pipeline, {"l1", "l2", "l3", "l4"});
  // Three held at once: one per worker.
  ASSERT_TRUE(
      WaitFor([&] { return attempts_.Tries("l1") + attempts_.Tries("l2") + attempts_.Tries("l3") == 3; }));
  EXPECT_EQ(attempts_.workers().size(), 3u);
  EXPECT_EQ(done_.load(), 0);
  for (const char* id : {"l1", "l2", "l3"}) attempts_.Release(id);
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  EXPECT_EQ(sink_.log().size(), 4u);
}

TEST_F(InspectListedTest, AnEventForAListedContainerMergesIntoItAndTheListingWaitsForIt) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  attempts_.Hold("l2");
  List(pipeline, {"l1", "l2"});
  ASSERT_TRUE(pipeline.Inspect("l2", attempts_.Attempt()));  // goes first now
  EXPECT_EQ(pipeline.queued(), 3u);
  attempts_.Release("blocker");
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("l2") == 1; }));
  EXPECT_EQ(done_.load(), 0);  // l2 is still held
  attempts_.Release("l2");
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  EXPECT_EQ(attempts_.Tries("l2"), 1);
  EXPECT_EQ(sink_.Count("+l2"), 1u);
  EXPECT_LT(Position("+l2"), Position("+l1"));
}

// The parser met a process of a listed container not inspected yet: its
// lookup (by the full id a cgroup names) takes the container out of the lane.
TEST_F(InspectListedTest, ALookupOfAListedContainerGoesFirstAndIsTriedOnce) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  List(pipeline, {"l1", "l2", "l3"});
  pipeline.Lookup("l3");
  attempts_.Release("blocker");
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  EXPECT_LT(Position("+l3"), Position("+l1"));
  EXPECT_EQ(attempts_.Tries("l3"), 1);
  EXPECT_EQ(sink_.Count("+l3"), 1u);
  EXPECT_EQ(counters_.lookups.load(), 1u);
  EXPECT_EQ(counters_.lookup_failures.load(), 0u);
}

TEST_F(InspectListedTest, ARemovedListedContainerIsNotInspectedAndEndsForItsListing) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  List(pipeline, {"l1", "l2"});
  pipeline.Removed(Removal("l1"));
  // A stopgap for a removed container is refused; for a queued one, reported.
  EXPECT_FALSE(pipeline.ReportStopgap("l1", pipeline_testing::Info("l1")));
  EXPECT_TRUE(pipeline.ReportStopgap("l2", pipeline_testing::Info("l2")));
  attempts_.Release("blocker");
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  EXPECT_EQ(attempts_.Tries("l1"), 0);
  EXPECT_EQ(sink_.Count("+l1"), 0u);
  EXPECT_EQ(sink_.Count("+l2"), 2u);  // the stopgap, then the record
  EXPECT_EQ(pipeline.queued(), 0u);
}

TEST_F(InspectListedTest, AContainerListedAgainIsInspectedOnceAndEndsBothListings) {
  InspectPipeline& pipeline = Start(Timing(1));
  attempts_.Hold("blocker");
  ASSERT_TRUE(pipeline.Inspect("blocker", attempts_.Attempt()));
  ASSERT_TRUE(WaitFor([&] { return attempts_.Tries("blocker") == 1; }));
  List(pipeline, {"l1", "l2"});
  List(pipeline, {"l2", "l3"});  // a new listing after a reconnect
  attempts_.Release("blocker");
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 2; }));
  ASSERT_TRUE(sink_.WaitForEntry("+l3"));
  EXPECT_EQ(attempts_.Tries("l2"), 1);
  EXPECT_EQ(sink_.Count("+l2"), 1u);
}

TEST_F(InspectListedTest, AnEmptyListingIsDoneAtOnce) {
  InspectPipeline& pipeline = Start(Timing(1));
  List(pipeline, {});
  EXPECT_EQ(done_.load(), 1);
}

TEST_F(InspectListedTest, AListedContainerNotFoundIsTriedAgainThenGivenUp) {
  InspectPipeline& pipeline = Start(Timing(2));
  attempts_.FoundAt("gone", 0);  // never found
  List(pipeline, {"gone", "here"});
  ASSERT_TRUE(WaitFor([&] { return done_.load() == 1; }));
  EXPECT_EQ(attempts_.Tries("gone"), 2);  // Timing's event_inspect_attempts
  EXPECT_EQ(sink_.Count("+gone"), 0u);
  EXPECT_EQ(sink_.Count("+here"), 1u);
  EXPECT_EQ(pipeline.queued(), 0u);
}

}  // namespace
}  // namespace libcontainer
