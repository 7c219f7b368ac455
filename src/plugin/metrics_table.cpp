#include "plugin/metrics_table.h"

namespace libcontainer {

ss_plugin_metric* MetricsTable::Collect(uint32_t* count) {
  for (const auto& take : snapshots_) take();
  metrics_.resize(rows_.size());
  for (size_t i = 0; i < rows_.size(); ++i) {
    // Names are re-pointed every time: adding a row may have moved the strings.
    metrics_[i].name = rows_[i].name.c_str();
    metrics_[i].type = rows_[i].type;
    metrics_[i].value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
    metrics_[i].value.u64 = rows_[i].value();
  }
  *count = static_cast<uint32_t>(metrics_.size());
  return metrics_.data();
}

}  // namespace libcontainer
