// The sink of the burst tests and engine_burst_bench: every record the engines hand over, in arrival
// order and stamped with the wall clock, folded per container the way the plugin folds them
// (MergeContainerRecords), so "what the plugin knew, and since when" can be read per container id.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/container_merge.h"
#include "engines/burst_targets.h"
#include "engines/container_engine.h"

namespace testengines {

inline int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What is missing from `info` for the facts (name, image; pod name and namespace for CRI pods), ""
// if nothing. The pod facts are read from the labels the plugin's k8s.* fields come from.
inline std::string MissingFacts(const libcontainer::ContainerInfo& info, const ExpectedFacts& want) {
  std::string missing;
  auto check = [&](const char* what, const std::string& got, const std::string& expected) {
    if (got != expected) missing += std::string(what) + "='" + got + "' (want '" + expected + "') ";
  };
  auto label = [&](const char* key) {
    auto it = info.labels.find(key);
    return std::string(it == info.labels.end() ? "" : it->second);
  };
  check("name", info.name, want.name);
  if (info.image.empty()) missing += "no image ";
  if (!want.pod_name.empty()) {
    check("pod", label("io.kubernetes.pod.name"), want.pod_name);
    check("namespace", label("io.kubernetes.pod.namespace"), want.pod_namespace);
  }
  return missing;
}

class BurstSink : public libcontainer::ContainerSink {
 public:
  // One container as the sink saw it.
  struct History {
    int records = 0;                // OnContainer calls
    int removals = 0;               // OnContainerRemoved calls
    int records_after_removal = 0;  // OnContainer after its first removal: a stale record
    int64_t first_record_ns = 0;    // wall clock of the first OnContainer
    std::optional<libcontainer::ContainerInfo> first, merged;
    std::vector<int64_t> record_ns;  // every OnContainer, for "when did the facts arrive"
    std::vector<libcontainer::ContainerInfo> merged_after;  // merged record after each OnContainer
  };

  void OnContainer(const libcontainer::ContainerInfo& info) override {
    const int64_t now = WallNs();
    std::lock_guard lock(mu_);
    History& h = seen_[info.full_id];
    if (h.records++ == 0) {
      h.first_record_ns = now;
      h.first = info;
    }
    if (h.removals > 0) ++h.records_after_removal;
    h.merged = h.merged ? libcontainer::MergeContainerRecords(*h.merged, info) : info;
    h.record_ns.push_back(now);
    h.merged_after.push_back(*h.merged);
    cv_.notify_all();
  }

  void OnContainerRemoved(const libcontainer::ContainerInfo& info) override {
    std::lock_guard lock(mu_);
    ++seen_[info.full_id].removals;
    cv_.notify_all();
  }

  History Get(const std::string& full_id) const {
    std::lock_guard lock(mu_);
    auto it = seen_.find(full_id);
    return it == seen_.end() ? History{} : it->second;
  }

  // Waits until done(history of each id) holds for every id, or `patience` passed (a hang guard).
  bool WaitAll(const std::vector<std::string>& ids, const std::function<bool(const History&)>& done,
               std::chrono::milliseconds patience) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, patience, [&] {
      for (const auto& id : ids) {
        auto it = seen_.find(id);
        if (!done(it == seen_.end() ? History{} : it->second)) return false;
      }
      return true;
    });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, History> seen_;
};

// Wall clock at which the folded record of `h` first had the facts, nullopt if it never had them.
inline std::optional<int64_t> FactsKnownAt(const BurstSink::History& h, const ExpectedFacts& want) {
  for (size_t i = 0; i < h.merged_after.size(); ++i) {
    if (MissingFacts(h.merged_after[i], want).empty()) return h.record_ns[i];
  }
  return std::nullopt;
}

}  // namespace testengines
