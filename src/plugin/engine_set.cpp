#include "plugin/engine_set.h"

#include <string>
#include <utility>

#include "engines/initial_listing.h"

namespace libcontainer {
namespace {

using Stats = ContainerEngine::Stats;

// The rows every engine gets, as n_<engine>_<name>.
struct EngineStat {
  const char* name;
  ss_plugin_metric_type type;
  uint64_t (*read)(const Stats&);
};

constexpr EngineStat kEngineStats[] = {
    {"connected", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC, [](const Stats& s) { return uint64_t{s.connected}; }},
    {"events", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.events; }},
    {"inspect_errors", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.inspect_errors; }},
    {"reconnects", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.reconnects; }},
    {"lookups", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.lookups; }},
    {"lookup_failures", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.lookup_failures; }},
    {"file_events", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.file_events; }},
    {"malformed_events", SS_PLUGIN_METRIC_TYPE_MONOTONIC, [](const Stats& s) { return s.malformed_events; }},
    {"removals_relisted", SS_PLUGIN_METRIC_TYPE_MONOTONIC,
     [](const Stats& s) { return s.removals_relisted; }},
    {"inspects_queued", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC,
     [](const Stats& s) { return s.inspects_queued; }},
    {"containers_known", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC,
     [](const Stats& s) { return s.containers_known; }},
    {"events_remembered", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC,
     [](const Stats& s) { return s.events_remembered; }},
};

}  // namespace

EngineSet::EngineSet(std::vector<std::unique_ptr<ContainerEngine>> engines, const Logger& logger)
    : engines_(std::move(engines)), stats_(engines_.size()), logger_(logger) {}

EngineSet::~EngineSet() {
  Stop();
}

void EngineSet::Start(ContainerSink& sink) {
  if (running_) return;
  for (auto& engine : engines_) engine->Start(sink);
  running_ = true;
}

void EngineSet::Stop() {
  if (!running_) return;
  for (auto& engine : engines_) engine->Stop();
  running_ = false;
}

void EngineSet::RequestLookup(std::string_view id) {
  if (!running_) return;
  for (auto& engine : engines_) engine->RequestLookup(id);
}

void EngineSet::AwaitInitialListings(std::chrono::seconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto still_listing = WaitForInitialListings(engines_, timeout);
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (still_listing.empty()) {
    logger_.Info("capture open: engines listed their containers in " + std::to_string(waited.count()) +
                 " ms");
    return;
  }
  std::string names;
  for (const auto& name : still_listing) names += (names.empty() ? "" : ", ") + name;
  logger_.Warning("capture open: " + names + " still listing containers after engine_timeout (" +
                  std::to_string(timeout.count()) +
                  " s); going on, their containers are reported as the listing proceeds");
}

void EngineSet::AddMetrics(MetricsTable& metrics) {
  metrics.AddSnapshot([this] {
    for (size_t i = 0; i < engines_.size(); ++i) stats_[i] = engines_[i]->stats();
  });
  for (size_t i = 0; i < engines_.size(); ++i) {
    for (const auto& stat : kEngineStats) {
      metrics.Add({"n_" + std::string(engines_[i]->name()) + "_" + stat.name, stat.type,
                   [this, i, read = stat.read] { return read(stats_[i]); }});
    }
  }
}

}  // namespace libcontainer
