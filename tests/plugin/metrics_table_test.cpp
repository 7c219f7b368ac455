#include "plugin/metrics_table.h"

#include <gtest/gtest.h>

#include <string>

namespace libcontainer {
namespace {

TEST(MetricsTableTest, CollectsEveryRowInOrderWithItsCurrentValue) {
  uint64_t gauge = 3;
  uint64_t counter = 10;
  MetricsTable table;
  table.Add({"n_gauge", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC, [&] { return gauge; }});
  table.Add({"n_counter", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [&] { return counter; }});

  uint32_t count = 0;
  ss_plugin_metric* metrics = table.Collect(&count);
  ASSERT_EQ(count, 2u);
  EXPECT_STREQ(metrics[0].name, "n_gauge");
  EXPECT_EQ(metrics[0].type, SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC);
  EXPECT_EQ(metrics[0].value_type, SS_PLUGIN_METRIC_VALUE_TYPE_U64);
  EXPECT_EQ(metrics[0].value.u64, 3u);
  EXPECT_STREQ(metrics[1].name, "n_counter");
  EXPECT_EQ(metrics[1].type, SS_PLUGIN_METRIC_TYPE_MONOTONIC);
  EXPECT_EQ(metrics[1].value.u64, 10u);

  gauge = 1;
  counter = 11;
  metrics = table.Collect(&count);
  EXPECT_EQ(metrics[0].value.u64, 1u);
  EXPECT_EQ(metrics[1].value.u64, 11u);
}

TEST(MetricsTableTest, SnapshotsAreTakenBeforeTheRowsAreRead) {
  uint64_t source = 7;
  uint64_t snapshot = 0;
  MetricsTable table;
  table.Add({"n_a", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [&] { return snapshot; }});
  table.AddSnapshot([&] { snapshot = source; });
  uint32_t count = 0;
  EXPECT_EQ(table.Collect(&count)[0].value.u64, 7u);
}

TEST(MetricsTableTest, NamesStayValidAsRowsAreAdded) {
  MetricsTable table;
  uint32_t count = 0;
  // Enough rows to make the table move its storage several times.
  for (int i = 0; i < 64; ++i) {
    table.Add({"n_metric_with_a_name_longer_than_short_strings_" + std::to_string(i),
               SS_PLUGIN_METRIC_TYPE_MONOTONIC, [i] { return static_cast<uint64_t>(i); }});
    table.Collect(&count);
  }
  ss_plugin_metric* metrics = table.Collect(&count);
  ASSERT_EQ(count, 64u);
  EXPECT_STREQ(metrics[0].name, "n_metric_with_a_name_longer_than_short_strings_0");
  EXPECT_STREQ(metrics[63].name, "n_metric_with_a_name_longer_than_short_strings_63");
  EXPECT_EQ(metrics[63].value.u64, 63u);
}

}  // namespace
}  // namespace libcontainer
