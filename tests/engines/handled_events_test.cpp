#include "engines/handled_events.h"

#include <gtest/gtest.h>

#include <string>

namespace libcontainer {
namespace {

EngineEvent Event(EngineEvent::Kind kind, std::string id, int64_t time_nano) {
  EngineEvent event;
  event.kind = kind;
  event.id = std::move(id);
  event.time_nano = time_nano;
  return event;
}

using K = EngineEvent::Kind;

TEST(HandledEventsTest, AnEventIsClaimedOnce) {
  HandledEvents handled(8);
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c1", 1)));
  EXPECT_FALSE(handled.Claim(Event(K::kCreate, "c1", 1)));
  // Another kind, container or time (a restart) is another event.
  EXPECT_TRUE(handled.Claim(Event(K::kStart, "c1", 1)));
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c2", 1)));
  EXPECT_TRUE(handled.Claim(Event(K::kStart, "c1", 2)));
}

TEST(HandledEventsTest, ReleasedClaimsCanBeTakenAgain) {
  HandledEvents handled(8);
  ASSERT_TRUE(handled.Claim(Event(K::kCreate, "c1", 1)));
  handled.Release(Event(K::kCreate, "c1", 1));
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c1", 1)));
  EXPECT_FALSE(handled.Claim(Event(K::kCreate, "c1", 1)));
}

TEST(HandledEventsTest, OldestAreForgottenAtCapacity) {
  HandledEvents handled(3);
  for (const char* id : {"a", "b", "c", "d"}) ASSERT_TRUE(handled.Claim(Event(K::kRemove, id, 1)));
  EXPECT_TRUE(handled.Claim(Event(K::kRemove, "a", 1)));  // forgotten when d came
  EXPECT_FALSE(handled.Claim(Event(K::kRemove, "d", 1)));
  // A released claim's stale queue entry does not evict its later re-claim.
  HandledEvents small(2);
  ASSERT_TRUE(small.Claim(Event(K::kCreate, "x", 1)));
  small.Release(Event(K::kCreate, "x", 1));
  ASSERT_TRUE(small.Claim(Event(K::kCreate, "x", 1)));  // queue: x(stale), x
  ASSERT_TRUE(small.Claim(Event(K::kCreate, "y", 1)));  // drops the stale x only
  EXPECT_FALSE(small.Claim(Event(K::kCreate, "x", 1)));
}

// A podman service that was down re-reads its last second of events after the events log had the
// whole life of a container: the create's claim was released (its inspect failed, the service was
// down), and the removal is a duplicate, so handling the create again would keep the container forever.
TEST(HandledEventsTest, ACreateOrStartFromBeforeItsContainersRemovalIsStale) {
  HandledEvents handled(8);
  ASSERT_TRUE(handled.Claim(Event(K::kCreate, "c1", 10)));
  handled.Release(Event(K::kCreate, "c1", 10));
  ASSERT_TRUE(handled.Claim(Event(K::kRemove, "c1", 20)));
  EXPECT_FALSE(handled.Claim(Event(K::kCreate, "c1", 10)));
  EXPECT_FALSE(handled.Claim(Event(K::kStart, "c1", 15)));
  EXPECT_FALSE(handled.Claim(Event(K::kRemove, "c1", 20)));
  // A later life under the same id (ctr ids are names) is news.
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c1", 30)));
  // Other containers are not concerned.
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c2", 10)));
  // A removal the watcher inferred (no engine time) ends every earlier event of the container.
  ASSERT_TRUE(handled.Claim(Event(K::kRemove, "c3", 0)));
  EXPECT_FALSE(handled.Claim(Event(K::kStart, "c3", 99)));
}

TEST(HandledEventsTest, RemovalsAreForgottenWithTheirClaimAtCapacity) {
  HandledEvents handled(2);
  ASSERT_TRUE(handled.Claim(Event(K::kRemove, "c1", 20)));
  ASSERT_TRUE(handled.Claim(Event(K::kCreate, "c2", 1)));
  ASSERT_TRUE(handled.Claim(Event(K::kCreate, "c3", 1)));  // the removal of c1 goes
  EXPECT_TRUE(handled.Claim(Event(K::kCreate, "c1", 10)));
  EXPECT_EQ(handled.size(), 2u);
}

}  // namespace
}  // namespace libcontainer
