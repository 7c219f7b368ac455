#include "plugin/engine_set.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "plugin/host_logger.h"
#include "test_tables.h"

namespace libcontainer {
namespace {

using testing::FakeEngine;

class NullSink : public ContainerSink {
 public:
  void OnContainer(const ContainerInfo&) override {}
  void OnContainerRemoved(const ContainerInfo&) override {}
};

class EngineSetTest : public ::testing::Test {
 protected:
  EngineSetTest() {
    auto docker = std::make_unique<FakeEngine>("docker");
    auto podman = std::make_unique<FakeEngine>("podman");
    docker_ = docker.get();
    podman_ = podman.get();
    std::vector<std::unique_ptr<ContainerEngine>> engines;
    engines.push_back(std::move(docker));
    engines.push_back(std::move(podman));
    set_ = std::make_unique<EngineSet>(std::move(engines), logger_);
  }

  HostLogger logger_;
  NullSink sink_;
  FakeEngine* docker_;
  FakeEngine* podman_;
  std::unique_ptr<EngineSet> set_;
};

TEST_F(EngineSetTest, StartsAndStopsEveryEngineOnce) {
  set_->Start(sink_);
  set_->Start(sink_);
  EXPECT_TRUE(set_->running());
  EXPECT_EQ(docker_->starts, 1);
  EXPECT_EQ(podman_->starts, 1);
  set_->Stop();
  set_->Stop();
  EXPECT_FALSE(set_->running());
  EXPECT_EQ(docker_->stops, 1);
  EXPECT_EQ(podman_->stops, 1);
}

TEST_F(EngineSetTest, StopsRunningEnginesWhenDestroyed) {
  auto stopped = std::make_shared<int>(0);
  docker_->on_stop = [stopped] { ++*stopped; };
  set_->Start(sink_);
  set_.reset();
  EXPECT_EQ(*stopped, 1);
}

TEST_F(EngineSetTest, LookupsFanOutOnlyWhileRunning) {
  set_->RequestLookup("early");
  EXPECT_TRUE(docker_->lookups.empty());
  set_->Start(sink_);
  set_->RequestLookup("abc");
  EXPECT_EQ(docker_->lookups, std::vector<std::string>{"abc"});
  EXPECT_EQ(podman_->lookups, std::vector<std::string>{"abc"});
  set_->Stop();
  set_->RequestLookup("late");
  EXPECT_EQ(docker_->lookups.size(), 1u);
}

TEST_F(EngineSetTest, MetricsAreTwelveRowsPerEngineFromOneStatsSnapshot) {
  docker_->stats_to_report.connected = true;
  docker_->stats_to_report.events = 5;
  docker_->stats_to_report.file_events = 2;
  docker_->stats_to_report.inspects_queued = 3;
  docker_->stats_to_report.events_remembered = 4;
  podman_->stats_to_report.lookup_failures = 9;
  podman_->stats_to_report.malformed_events = 4;
  podman_->stats_to_report.removals_relisted = 6;
  podman_->stats_to_report.containers_known = 11;
  MetricsTable metrics;
  set_->AddMetrics(metrics);
  uint32_t count = 0;
  ss_plugin_metric* rows = metrics.Collect(&count);
  ASSERT_EQ(count, 24u);
  EXPECT_EQ(docker_->stats_calls, 1);
  EXPECT_EQ(podman_->stats_calls, 1);
  const char* names[] = {
      "n_docker_connected",       "n_docker_events",           "n_docker_inspect_errors",
      "n_docker_reconnects",      "n_docker_lookups",          "n_docker_lookup_failures",
      "n_docker_file_events",     "n_docker_malformed_events", "n_docker_removals_relisted",
      "n_docker_inspects_queued", "n_docker_containers_known", "n_docker_events_remembered",
      "n_podman_connected",       "n_podman_events",           "n_podman_inspect_errors",
      "n_podman_reconnects",      "n_podman_lookups",          "n_podman_lookup_failures",
      "n_podman_file_events",     "n_podman_malformed_events", "n_podman_removals_relisted",
      "n_podman_inspects_queued", "n_podman_containers_known", "n_podman_events_remembered"};
  for (uint32_t i = 0; i < count; ++i) {
    EXPECT_STREQ(rows[i].name, names[i]);
    // connected and the three sizes are gauges; the rest count up.
    const bool gauge = i % 12 == 0 || i % 12 >= 9;
    EXPECT_EQ(rows[i].type, gauge ? SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC : SS_PLUGIN_METRIC_TYPE_MONOTONIC)
        << names[i];
  }
  EXPECT_EQ(rows[0].value.u64, 1u);
  EXPECT_EQ(rows[1].value.u64, 5u);
  EXPECT_EQ(rows[6].value.u64, 2u);
  EXPECT_EQ(rows[7].value.u64, 0u);
  EXPECT_EQ(rows[8].value.u64, 0u);
  EXPECT_EQ(rows[9].value.u64, 3u);
  EXPECT_EQ(rows[11].value.u64, 4u);
  EXPECT_EQ(rows[12].value.u64, 0u);
  EXPECT_EQ(rows[17].value.u64, 9u);
  EXPECT_EQ(rows[19].value.u64, 4u);
  EXPECT_EQ(rows[20].value.u64, 6u);
  EXPECT_EQ(rows[22].value.u64, 11u);
}

}  // namespace
}  // namespace libcontainer
