// Containers started in bursts against the real daemons (dockerd, the podman service, containerd with
// plain ctr containers, and Kubernetes pods through containerd's CRI plugin), watched by the engines
// the plugin builds (CreateEngines) on a recording sink. Users start containers in bursts (a
// Deployment's replicas, a CI runner, a node reboot); a watcher that serialises its work behind one
// container's inspect loses or delays the others. Every container must be reported with its facts,
// and its removal once. Counts and orderings are asserted, never times; waits are hang guards.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/burst_sink.h"
#include "engines/burst_targets.h"
#include "engines/container_engine.h"
#include "engines/engine_factory.h"
#include "engines/real_engines.h"

namespace testengines {
namespace {

using namespace std::chrono_literals;

// Hang guard: 50 containers on a busy 2-core machine take seconds, never minutes.
constexpr auto kPatience = 120s;

struct Scenario {
  const char* name;
  int containers;
  std::chrono::milliseconds spacing;
};
constexpr Scenario kSpaced{"Spaced20", 20, 100ms};
constexpr Scenario kAtOnce{"AtOnce50", 50, 0ms};

// Warnings and errors of the engines go to the test's output, for the reader of a failure.
class StderrLogger : public libcontainer::Logger {
 public:
  bool Enabled(libcontainer::LogLevel level) const override {
    return level == libcontainer::LogLevel::kError || level == libcontainer::LogLevel::kWarning;
  }
  void Log(libcontainer::LogLevel, std::string_view message) const override {
    std::fprintf(stderr, "[engine] %.*s\n", static_cast<int>(message.size()), message.data());
  }
};

// Hands each record to the sink of all engines and to its engine's own: removals and duplicates are
// counted per engine (a CRI pod's container is reported by both the containerd and the cri watcher).
class TeeSink : public libcontainer::ContainerSink {
 public:
  TeeSink(BurstSink& all, BurstSink& own) : all_(all), own_(own) {}
  void OnContainer(const libcontainer::ContainerInfo& info) override {
    all_.OnContainer(info);
    own_.OnContainer(info);
  }
  void OnContainerRemoved(const libcontainer::ContainerInfo& info) override {
    all_.OnContainerRemoved(info);
    own_.OnContainerRemoved(info);
  }

 private:
  BurstSink& all_;
  BurstSink& own_;
};

class RealEngineBurst : public ::testing::TestWithParam<std::tuple<std::string, Scenario>> {
 protected:
  void SetUp() override {
    std::string error;
    target_ = StartBurstTarget(kind(), &error);
    if (!target_) {
      // Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
      if (RequireRealEngines()) FAIL() << kind() << " did not start:\n" << error;
      GTEST_SKIP() << kind() << " did not start:\n" << error;
    }
    engines_ = libcontainer::CreateEngines(libcontainer::ParsePluginConfig(target_->PluginConfigJson()),
                                           /*host_root=*/"", logger_);
    ASSERT_FALSE(engines_.empty());
    for (auto& engine : engines_) {
      engine_names_.emplace_back(engine->name());
      per_engine_.push_back(std::make_unique<BurstSink>());
      tees_.push_back(std::make_unique<TeeSink>(sink_, *per_engine_.back()));
      engine->Start(*tees_.back());
    }
    for (auto& engine : engines_) {
      ASSERT_TRUE(engine->WaitForInitialList(kPatience)) << engine->name() << " never listed";
      ASSERT_TRUE(engine->stats().connected) << engine->name() << ": " << engine->stats().last_error;
    }
  }

  // The engines stop before their daemon goes away; the target removes whatever a failed test left.
  void TearDown() override {
    StopEngines();
    target_.reset();
  }

  void StopEngines() {
    for (auto& engine : engines_) engine->Stop();
    engines_.clear();
  }

  const std::string& kind() const { return std::get<0>(GetParam()); }
  const Scenario& scenario() const { return std::get<1>(GetParam()); }

  StderrLogger logger_;
  BurstSink sink_;  // every engine's records
  std::vector<std::unique_ptr<BurstSink>> per_engine_;
  std::vector<std::unique_ptr<TeeSink>> tees_;
  std::vector<std::string> engine_names_;
  std::unique_ptr<BurstTarget> target_;
  std::vector<std::unique_ptr<libcontainer::ContainerEngine>> engines_;
};

TEST_P(RealEngineBurst, EveryContainerIsReportedWithItsFactsAndRemovedOnce) {
  const Scenario& s = scenario();
  const std::string prefix = std::string("burst-") + (s.spacing.count() > 0 ? "spaced" : "once");
  const std::vector<StartedContainer> started = RunBurst(
      s.containers, s.spacing, [&](int i) { return target_->Start(prefix + "-" + std::to_string(i)); });
  std::vector<std::string> ids;
  std::string start_errors;
  for (const auto& c : started) {
    if (c.id.empty()) start_errors += c.error + "\n";
    if (!c.id.empty()) ids.push_back(c.id);
  }
  ASSERT_TRUE(start_errors.empty()) << start_errors;
  ASSERT_EQ(ids.size(), static_cast<size_t>(s.containers));

  // Every container, until its folded record has the facts (the hang guard only bounds a failure).
  std::map<std::string, ExpectedFacts> expected;
  for (const auto& c : started) expected[c.id] = c.expected;
  ASSERT_TRUE(sink_.WaitAll(
      ids,
      [&](const BurstSink::History& h) {
        return h.merged && MissingFacts(*h.merged, expected[h.merged->full_id]).empty();
      },
      kPatience))
      << "not every container was reported with its facts";

  // The first record of each container already carries them: that record is what the plugin has when
  // the container's first exec is parsed, and a later inspect must not be needed for the name.
  std::string incomplete_first;
  int records_total = 0;
  for (const auto& c : started) {
    const BurstSink::History h = sink_.Get(c.id);
    records_total += h.records;
    const std::string missing = MissingFacts(*h.first, c.expected);
    if (!missing.empty()) incomplete_first += c.id.substr(0, 12) + ": " + missing + "\n";
  }
  EXPECT_TRUE(incomplete_first.empty()) << "first records without the facts:\n" << incomplete_first;
  std::printf("[ BURST    ] %s %s: %zu containers reported with their facts, %d records\n", kind().c_str(),
              s.name, ids.size(), records_total);

  std::string error;
  ASSERT_TRUE(target_->Remove(ids, &error)) << error;
  // Each engine reports the removal of each container it reported. A container removed before the cri
  // watcher's next poll was never reported by it, so it has nothing to remove.
  for (size_t e = 0; e < per_engine_.size(); ++e) {
    ASSERT_TRUE(per_engine_[e]->WaitAll(
        ids, [](const BurstSink::History& h) { return h.records == 0 || h.removals > 0; }, kPatience))
        << engine_names_[e] << ": not every removal was reported";
  }
  StopEngines();  // nothing can arrive after this: the counts below are final
  // Per engine and container: one removal, no record after it (a late inspect result of a removed
  // container is dropped), and at most two records (the event's own and its inspect's): a third would
  // be an event handled twice, e.g. podman's from both its events log and its API stream.
  std::string wrong;
  for (size_t e = 0; e < per_engine_.size(); ++e) {
    for (const auto& id : ids) {
      const BurstSink::History h = per_engine_[e]->Get(id);
      if (h.records == 0) continue;  // never seen by this engine (see above)
      if (h.removals != 1 || h.records_after_removal != 0 || h.records > 2)
        wrong += engine_names_[e] + " " + id.substr(0, 12) + ": " + std::to_string(h.records) + " records, " +
                 std::to_string(h.removals) + " removals, " + std::to_string(h.records_after_removal) +
                 " records after the removal\n";
    }
  }
  EXPECT_TRUE(wrong.empty()) << wrong;
}

INSTANTIATE_TEST_SUITE_P(Engines, RealEngineBurst,
                         ::testing::Combine(::testing::Values("docker", "podman", "containerd", "cri"),
                                            ::testing::Values(kSpaced, kAtOnce)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
}  // namespace testengines
