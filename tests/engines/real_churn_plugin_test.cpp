// A short churn of containers through real dockerd, podman and containerd while the plugin .so runs in
// the test host with the three engines on (the soak of bench/engines/churn_soak.cpp, small enough for
// CI): afterwards the plugin's cache holds exactly the containers that exist, nothing entered it twice,
// and the sizes it reports as metrics follow the containers that exist. Counts only; the waits are
// hang guards.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engines/churn_run.h"
#include "engines/real_engines.h"

namespace {

using testengines::ChurnResult;

const std::vector<std::string> kKinds = {"docker", "podman", "containerd"};

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += "  " + item + "\n";
  return out;
}

// Param: whether each daemon is killed and restarted during the churn.
class RealChurnPlugin : public ::testing::TestWithParam<bool> {};

TEST_P(RealChurnPlugin, TheCacheFollowsTheContainersThatExist) {
  testengines::ChurnOptions options;
  options.kinds = kKinds;
  options.containers = 45;
  options.restarts = GetParam();
  options.progress = [](const std::string& line) { std::printf("[ CHURN    ] %s\n", line.c_str()); };
  const ChurnResult r = testengines::RunChurn(options);
  if (!r.setup_error.empty()) {
    std::printf("%s", Joined(r.problems).c_str());
    // Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
    if (testengines::RequireRealEngines()) FAIL() << r.setup_error;
    GTEST_SKIP() << r.setup_error;
  }
  std::printf(
      "[ CHURN    ] %d lives, %d seen by the parser, %d retries, %d restarts, %d removals reconciled\n",
      r.lives, r.sighted, r.create_retries + r.remove_retries, r.restarts, r.reconciled);
  EXPECT_EQ(r.lives, options.containers);
  EXPECT_TRUE(r.quiet) << "the plugin did not settle; its problems:\n" << Joined(r.problems);
  EXPECT_TRUE(r.left_behind.empty()) << "in the cache, gone from the engines:\n" << Joined(r.left_behind);
  EXPECT_TRUE(r.missed.empty()) << "in an engine, not in the cache:\n" << Joined(r.missed);
  EXPECT_TRUE(r.added_twice.empty()) << "entered the cache again after leaving it:\n"
                                     << Joined(r.added_twice);
  // Without restarts every container whose process was seen is reported (with restarts, one may live
  // and go entirely while its engine was not followed).
  if (options.restarts) {
    EXPECT_EQ(r.restarts, static_cast<int>(kKinds.size()));
  } else {
    EXPECT_TRUE(r.unseen.empty()) << "never reported:\n" << Joined(r.unseen);
  }

  // The sizes follow the containers that exist, and what is queued drains.
  uint64_t existing = 0;
  for (const auto& kind : kKinds) {
    existing += r.existing_after.at(kind);
    EXPECT_EQ(r.after.at("n_" + kind + "_containers_known"), r.existing_after.at(kind)) << kind;
    EXPECT_EQ(r.after.at("n_" + kind + "_inspects_queued"), 0u) << kind;
    // A window of the last events, bounded rather than emptied.
    EXPECT_LE(r.peak.at("n_" + kind + "_events_remembered"), 1024u) << kind;
  }
  EXPECT_EQ(r.after.at("n_containers"), existing);
  // An id stays pending only for a container the parser saw but no engine ever reported (it lived
  // and went while its engine was not followed), so that it is not asked again: bounded (4096).
  EXPECT_LE(r.after.at("n_unknown_container_ids_pending"),
            r.before.at("n_unknown_container_ids_pending") + r.unseen.size());
  if (!options.restarts) {
    EXPECT_EQ(r.after.at("n_containers"), r.before.at("n_containers"));
  }
}

INSTANTIATE_TEST_SUITE_P(Daemons, RealChurnPlugin, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "KilledAndRestarted" : "Running"; });

}  // namespace
