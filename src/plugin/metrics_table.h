// The plugin's metrics as one table: each row is a name, a type and how to
// read the value, so a name cannot drift away from its value.
//
// Rows are added at init. Collect() reads every row into the array the host
// receives; it runs on whatever thread the host asks for metrics on, so the
// readers must be safe there.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/plugin_api.h"

namespace libcontainer {

class MetricsTable {
 public:
  struct Row {
    std::string name;
    ss_plugin_metric_type type = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
    std::function<uint64_t()> value;
  };

  void Add(Row row) { rows_.push_back(std::move(row)); }
  // Runs before the rows are read on each Collect(), for readers that share
  // one snapshot (an engine's stats are read once for all its rows).
  void AddSnapshot(std::function<void()> take) { snapshots_.push_back(std::move(take)); }

  // Every row with its current value, in the order added (all u64). Valid
  // until the next Collect() or Add().
  ss_plugin_metric* Collect(uint32_t* count);

 private:
  std::vector<Row> rows_;
  std::vector<std::function<void()>> snapshots_;
  std::vector<ss_plugin_metric> metrics_;
};

}  // namespace libcontainer
