// The plugin starting against engines that already hold thousands of containers (the small variant of
// bench/engines/listing_scale_bench.cpp): every listed container reaches the event thread, the event
// thread goes on while they arrive, a CRI event gets through while docker's listing is stuck
// half-way, and docker's own event gets through before its listing is over. Counts and orderings
// only.
#include <gtest/gtest.h>

#include "engines/scale_listing.h"

namespace {

TEST(ListingScale, EveryListedContainerArrivesAndOtherEnginesEventsGetThroughMeanwhile) {
  testengines::ScaleOptions options;
  options.docker = 2000;
  options.cri = 2000;
  // Docker's inspect of container 1001 is held until the CRI container made then has arrived.
  options.inject_at = 1000;
  options.hold_at = 1001;
  options.patience = std::chrono::seconds(120);
  const testengines::ScaleResult r = testengines::RunScaleListing(options);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.docker_listed, 2000);
  EXPECT_EQ(r.cri_listed, 2000);
  EXPECT_EQ(r.sandboxes_listed, 200);
  // Listed containers, their sandboxes and the two injected ones.
  EXPECT_EQ(r.cached, 2000u + 2000u + 200u + 2u);
  // At the first turn of the event thread that had seen 1,000 docker containers (the inspect
  // workers deliver several per turn).
  EXPECT_GE(r.injected_at, 1000);
  // The CRI container made while docker's inspect of container 1001 was held arrived: the fake
  // answers that inspect only then, and r.error (asserted above) names it if it never came.
  // Docker's own container made during its listing arrived before the listing was over: the
  // session follows its events while the inspect workers inspect the listing, and an event's
  // inspect goes before the listed containers left.
  EXPECT_LT(r.docker_before_injected_docker, 2000);
  EXPECT_GE(r.docker_before_injected_docker, r.injected_at);
  // The event thread saw the first listed container's metadata while the rest was still listing.
  EXPECT_TRUE(r.name_while_listing);
  // Both sides' CPU was read (the bench reports them): each did real work.
  EXPECT_GT(r.cpu_plugin_s, 0.0);
  EXPECT_GT(r.cpu_engines_s, 0.0);
  RecordProperty("docker_listed_s", std::to_string(r.docker_listed_s));
  RecordProperty("cri_listed_s", std::to_string(r.cri_listed_s));
}

}  // namespace
