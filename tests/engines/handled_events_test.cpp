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

}  // namespace
}  // namespace libcontainer
