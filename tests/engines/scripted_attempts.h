// Scripted parts for InspectPipeline tests: a sink that records what
// arrives in order, attempts the test holds and releases, and short timings,
// so that the tests assert orderings and counts, never durations.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engines/fake_engine.h"
#include "engines/inspect_pipeline.h"

namespace libcontainer::pipeline_testing {

using namespace std::chrono_literals;
using engine_testing::kGuard;
using engine_testing::WaitFor;

inline ContainerInfo Info(const std::string& id) {
  ContainerInfo info;
  info.full_id = id;
  info.id = id;
  info.name = "name-" + id;
  return info;
}

inline ContainerInfo Removal(const std::string& id) {
  ContainerInfo info;
  info.full_id = id;
  info.id = id;
  return info;
}

// Records "+id" per record and "-id" per removal, in the order they arrive.
class OrderSink : public ContainerSink {
 public:
  void OnContainer(const ContainerInfo& info) override { Append("+" + info.full_id); }
  void OnContainerRemoved(const ContainerInfo& info) override { Append("-" + info.full_id); }
  std::vector<std::string> log() const {
    std::lock_guard lock(mu_);
    return log_;
  }
  size_t Count(const std::string& entry) const {
    std::lock_guard lock(mu_);
    return std::count(log_.begin(), log_.end(), entry);
  }
  bool WaitForEntry(const std::string& entry) const {
    return WaitFor([&] { return Count(entry) > 0; });
  }

 private:
  void Append(std::string entry) {
    std::lock_guard lock(mu_);
    log_.push_back(std::move(entry));
  }
  mutable std::mutex mu_;
  std::vector<std::string> log_;
};

// Scripted attempts: an id is found from its `found_at`-th try (1 unless
// set); a held id's tries wait until it is released.
class Attempts {
 public:
  void Hold(const std::string& id) {
    std::lock_guard lock(mu_);
    held_.insert(id);
  }
  void Release(const std::string& id) {
    {
      std::lock_guard lock(mu_);
      held_.erase(id);
    }
    cv_.notify_all();
  }
  void FoundAt(const std::string& id, int attempt) {
    std::lock_guard lock(mu_);
    found_at_[id] = attempt;
  }
  int Tries(const std::string& id) const {
    std::lock_guard lock(mu_);
    const auto it = tries_.find(id);
    return it == tries_.end() ? 0 : it->second;
  }
  // Tries that returned.
  int Done(const std::string& id) const {
    std::lock_guard lock(mu_);
    const auto it = done_.find(id);
    return it == done_.end() ? 0 : it->second;
  }
  std::set<size_t> workers() const {
    std::lock_guard lock(mu_);
    return workers_;
  }

  InspectPipeline::Result operator()(const std::string& id, size_t worker) {
    std::unique_lock lock(mu_);
    workers_.insert(worker);
    const int n = ++tries_[id];
    cv_.wait_for(lock, kGuard, [&] { return held_.count(id) == 0; });  // hang guard
    ++done_[id];
    const auto at = found_at_.find(id);
    if (at != found_at_.end() && n < at->second) return {std::nullopt, /*retry=*/true};
    if (at != found_at_.end() && at->second == 0) return {std::nullopt, /*retry=*/true};  // never found
    return {Info(id), false};
  }
  InspectPipeline::Attempt Attempt() {
    return [this](const std::string& id, size_t worker) { return (*this)(id, worker); };
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> held_;
  std::map<std::string, int> found_at_, tries_, done_;
  std::set<size_t> workers_;
};

inline EngineTiming Timing(size_t workers) {
  EngineTiming timing;
  timing.inspect_workers = workers;
  timing.lookup_attempts = 3;
  timing.event_inspect_attempts = 2;
  timing.lookup_retry_initial = 1ms;
  return timing;
}

// A pipeline under test, recording into sink_.
class PipelineTest : public ::testing::Test {
 protected:
  // Starts a pipeline of `workers` whose lookups are attempts_ too.
  InspectPipeline& Start(EngineTiming timing) {
    pipeline_ = std::make_unique<InspectPipeline>("test", logger_, timing, counters_);
    pipeline_->Start(sink_, attempts_.Attempt());
    return *pipeline_;
  }
  ~PipelineTest() override {
    attempts_.Release("a");
    attempts_.Release("blocker");
    pipeline_.reset();
  }

  engine_testing::CapturingLogger logger_;
  EngineCounters counters_;
  OrderSink sink_;
  Attempts attempts_;
  std::unique_ptr<InspectPipeline> pipeline_;
};

}  // namespace libcontainer::pipeline_testing
