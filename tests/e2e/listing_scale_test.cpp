// The plugin starting against engines that already hold thousands of containers (the small variant of
// bench/engines/listing_scale_bench.cpp): every listed container reaches the event thread, the event
// thread goes on while they arrive, and a CRI event gets through while docker's listing is stuck
// half-way. Counts and orderings only.
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
  EXPECT_EQ(r.injected_at, 1000);
  // The CRI container made while docker's inspect of container 1001 was held arrived: the fake
  // answers that inspect only then, and r.error (asserted above) names it if it never came. How many docker
  // containers came first is not asserted: a listed container whose inspect outlasts the request
  // deadline is reported from the list data and inspected again in the background
  // (HttpSession::ReportListed), so a slow (sanitizer) build lists the rest before the CRI
  // listing is over, a fast one after.
  // Docker reads its events once listed: its own new container comes after the listing, not lost.
  EXPECT_EQ(r.docker_before_injected_docker, 2000);
  // The event thread saw the first listed container's metadata while the rest was still listing.
  EXPECT_TRUE(r.name_while_listing);
  RecordProperty("docker_listed_s", std::to_string(r.docker_listed_s));
  RecordProperty("cri_listed_s", std::to_string(r.cri_listed_s));
}

}  // namespace
