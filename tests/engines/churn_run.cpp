#include "engines/churn_run.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "engines/churn_engines.h"
#include "engines/churn_observer.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"
#include "host/thread_specs.h"

namespace testengines {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A create or removal cut short by a daemon restart is tried again this often, this many times.
constexpr auto kRetryPause = 300ms;
constexpr int kMaxAttempts = 200;
// The plugin counts as quiet once this long passes without an async event.
constexpr auto kQuietFor = 2s;
// Host thread ids of the processes the parser sees, clear of this machine's real ones.
constexpr int64_t kFirstTid = 40'000'000;

long StatusKb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kb = 0;
  const size_t len = std::strlen(field);
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, field, len) == 0) kb = std::atol(line + len);
  }
  std::fclose(f);
  return kb;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A process of a container, for the parser to see: asked by a worker, done on the event thread.
struct Sighting {
  std::string cgroup;
  std::promise<int64_t> tid;
};

class Churn {
 public:
  Churn(const ChurnOptions& options, std::vector<std::unique_ptr<ChurnEngine>>& engines,
        testhost::PluginHost& host, ChurnResult& result)
      : options_(options), engines_(engines), host_(host), result_(result), slots_(engines.size()) {}

  // A started container on every engine, made before the plugin starts and kept to the end.
  bool MakeResidents(std::string* error) {
    for (auto& engine : engines_) {
      const std::string id = engine->Create(engine->NameFor(99900), /*start=*/true, error);
      if (id.empty()) return false;
    }
    return true;
  }

  // `lives` container lives over the engines' workers (and, with restarts, the daemons killed and
  // started again meanwhile), pumping the plugin's async events on this thread until all are done.
  void Run(int lives, bool restarts) {
    lives_done_ = 0;
    const int per_engine = lives / static_cast<int>(engines_.size());
    const int per_worker = std::max(1, per_engine / options_.workers_per_engine);
    const int total = per_worker * options_.workers_per_engine * static_cast<int>(engines_.size());
    std::atomic<int> running{0};
    std::vector<std::thread> threads;
    for (size_t e = 0; e < engines_.size(); ++e) {
      for (int w = 0; w < options_.workers_per_engine; ++w) {
        ++running;
        threads.emplace_back([&, e, w] {
          for (int j = 0; j < per_worker; ++j) Life(e, w, j, per_worker);
          --running;
        });
      }
    }
    if (restarts) {
      ++running;
      threads.emplace_back([&] {
        Restarts(total);
        --running;
      });
    }
    int reported = 0;
    while (running.load() > 0) {
      Pump(50ms);
      const int done = lives_done_.load();
      if (result_.rss_half_kb == 0 && done * 2 >= total) result_.rss_half_kb = StatusKb("VmRSS:");
      if (options_.progress && done * 10 / std::max(total, 1) > reported) {
        reported = done * 10 / std::max(total, 1);
        options_.progress(std::to_string(done) + "/" + std::to_string(total) + " container lives");
      }
    }
    for (auto& t : threads) t.join();
    Pump(0ms);
  }

  // Pumps until the cache matches what the engines hold, no inspect is queued and no async event
  // came for kQuietFor; false if the patience ran out first.
  // *existing: how many containers each engine holds.
  bool Settle(std::map<std::string, uint64_t>* existing) {
    truth_.clear();
    for (auto& engine : engines_) {
      std::vector<std::string> ids;
      std::string error;
      if (!engine->List(&ids, &error)) Problem(error);
      for (const auto& id : ids) truth_.insert(id.substr(0, 12));
      (*existing)[engine->kind()] = ids.size();
    }
    const auto deadline = Clock::now() + options_.patience;
    std::string why;
    while (Clock::now() < deadline) {
      Pump(100ms);
      why = Unsettled();
      if (why.empty()) return true;
    }
    Problem("not settled: " + why);
    return false;
  }

  void ResetCounts() { create_retries_ = remove_retries_ = sighted_ = 0; }

  // Fills the result's counts and what differs between the cache and the engines.
  void Compare() {
    result_.lives = lives_done_.load();
    result_.sighted = sighted_.load();
    result_.create_retries = create_retries_.load();
    result_.remove_retries = remove_retries_.load();
    const std::set<std::string> cache = CacheIds();
    std::set_difference(cache.begin(), cache.end(), truth_.begin(), truth_.end(),
                        std::back_inserter(result_.left_behind));
    std::set_difference(truth_.begin(), truth_.end(), cache.begin(), cache.end(),
                        std::back_inserter(result_.missed));
    result_.added_twice = observer_.AddedTwice();
    std::lock_guard lock(mu_);
    for (const auto& [id, sighted] : churned_) {
      if (observer_.Seen(id)) continue;
      if (sighted) {
        result_.unseen.push_back(id);
      } else {
        ++result_.unseen_brief;
      }
    }
  }

  std::map<std::string, uint64_t> Metrics() {
    std::map<std::string, uint64_t> out;
    for (const auto& m : host_.Metrics()) out[m.name] = m.value;
    return out;
  }

  void Pump(std::chrono::milliseconds wait) {
    if (wait.count() > 0) host_.WaitForAsyncEvents(1, wait);
    if (host_.DeliverAsyncEvents() > 0) {
      last_event_ = Clock::now();
      observer_.Observe(host_.LastDeliveredAsyncEvents());
    }
    std::vector<std::unique_ptr<Sighting>> sightings;
    std::vector<int64_t> dead;
    {
      std::lock_guard lock(mu_);
      sightings.swap(sightings_);
      dead.swap(dead_);
    }
    for (auto& sighting : sightings) {
      const int64_t tid = next_tid_++;
      testhost::ThreadSpec thread = testhost::DockerThread(tid, /*vpid=*/2);
      thread.cgroups = {{"memory", sighting->cgroup}};
      host_.AddThread(thread);
      host_.Parse(testhost::events::ExecveExit(tid, 0));
      sighting->tid.set_value(tid);
    }
    for (int64_t tid : dead) host_.RemoveThread(tid);
    HarvestLogs();
    if (Clock::now() - last_sample_ >= 250ms) {
      last_sample_ = Clock::now();
      for (const auto& [name, value] : Metrics()) {
        uint64_t& peak = result_.peak[name];
        peak = std::max(peak, value);
      }
    }
  }

 private:
  void Life(size_t e, int w, int j, int per_worker) {
    ChurnEngine& engine = *engines_[e];
    const int shape = j % 5;
    const bool start = shape != 3;
    const bool sighted = shape < 3;
    // Names come back once their container is gone: each worker reuses its own, in turn.
    const int slot = engine.names_are_ids() ? slots_[e]++ : w * 10000 + j % std::max(1, per_worker / 2);
    const std::string name = engine.NameFor(slot);
    std::string error, id;
    for (int attempt = 0; id.empty(); ++attempt) {
      id = engine.Create(name, start, &error);
      if (!id.empty()) break;
      if (attempt == kMaxAttempts) return Problem("gave up: " + error);
      ++create_retries_;
      std::this_thread::sleep_for(kRetryPause);
      std::string ignored;
      engine.Remove(name, &ignored);  // a create cut short may have left it behind
    }
    {
      std::lock_guard lock(mu_);
      churned_.emplace_back(id.substr(0, 12), sighted);
    }
    int64_t tid = 0;
    if (sighted) {
      auto sighting = std::make_unique<Sighting>();
      sighting->cgroup = engine.CgroupOf(id);
      std::future<int64_t> seen = sighting->tid.get_future();
      {
        std::lock_guard lock(mu_);
        sightings_.push_back(std::move(sighting));
      }
      if (seen.wait_for(60s) == std::future_status::ready) tid = seen.get();
      ++sighted_;
      std::this_thread::sleep_for(std::chrono::milliseconds(j * 37 % 400));
    }
    for (int attempt = 0;; ++attempt) {
      if (engine.Remove(id, &error)) break;
      std::vector<std::string> ids;
      std::string list_error;
      if (engine.List(&ids, &list_error) && std::find(ids.begin(), ids.end(), id) == ids.end()) break;
      if (attempt == kMaxAttempts) return Problem("gave up: " + error);
      ++remove_retries_;
      std::this_thread::sleep_for(kRetryPause);
    }
    if (tid != 0) {
      std::lock_guard lock(mu_);
      dead_.push_back(tid);
    }
    ++lives_done_;
  }

  // Each daemon in turn, spread over the churn: killed, down a few seconds (podman's CLI goes on),
  // started again. Containers made before the kill are removed while it is down (podman) or right
  // after the restart, while the watcher still backs off: their removal events are never read, so
  // only the watcher's new listing can report them. A container made while it is down (podman) and
  // one made right after the restart stay to the end: no running container may be missed.
  void Restarts(int total) {
    const int count = static_cast<int>(engines_.size());
    for (int e = 0; e < count; ++e) {
      while (lives_done_.load() < total * (e + 1) / (count + 1)) std::this_thread::sleep_for(100ms);
      ChurnEngine& engine = *engines_[e];
      std::string error;
      std::vector<std::string> doomed;
      for (int n = 99930; n < 99932; ++n) {
        const std::string id = engine.Create(engine.NameFor(n), /*start=*/true, &error);
        if (id.empty()) Problem("before the kill: " + error);
        if (!id.empty()) doomed.push_back(id);
      }
      std::this_thread::sleep_for(1s);  // reported before the daemon goes
      engine.Kill9();
      std::this_thread::sleep_for(3s);  // the watcher's backoff grows meanwhile
      auto remove_doomed = [&] {
        for (const auto& id : doomed) {
          if (!engine.Remove(id, &error)) Problem("doomed container: " + error);
        }
      };
      if (engine.cli_without_daemon()) {
        remove_doomed();
        if (engine.Create(engine.NameFor(99910), true, &error).empty()) Problem("while down: " + error);
      }
      bool restarted = false;
      for (int attempt = 0; attempt < 5 && !restarted; ++attempt) restarted = engine.Restart(&error);
      if (!restarted) return Problem(std::string(engine.kind()) + " did not restart: " + error);
      if (!engine.cli_without_daemon()) remove_doomed();
      if (engine.Create(engine.NameFor(99920), true, &error).empty()) Problem("after restart: " + error);
      ++result_.restarts;
      if (options_.progress) options_.progress(std::string(engine.kind()) + " killed and restarted");
    }
  }

  // Why the plugin is not settled yet, "" if it is.
  std::string Unsettled() {
    if (Clock::now() - last_event_ < kQuietFor) return "async events still arriving";
    const std::set<std::string> cache = CacheIds();
    if (cache != truth_) {
      std::string why = "the cache has";
      for (const auto& id : cache) why += truth_.count(id) ? "" : " +" + id;
      for (const auto& id : truth_) why += cache.count(id) ? "" : " -" + id;
      return why + " (+: gone from the engines, -: not in the cache)";
    }
    for (const auto& engine : engines_) {
      const std::string name = "n_" + std::string(engine->kind()) + "_inspects_queued";
      if (const uint64_t queued = Metric(name); queued != 0) return name + " = " + std::to_string(queued);
    }
    return "";
  }

  std::set<std::string> CacheIds() {
    std::set<std::string> ids;
    if (auto table = host_.ContainersTableIds()) ids.insert(table->begin(), table->end());
    ids.erase("host");  // the table's entry for host processes
    return ids;
  }

  uint64_t Metric(const std::string& name) {
    for (const auto& m : host_.Metrics()) {
      if (m.name == name) return m.value;
    }
    return UINT64_MAX;
  }

  void HarvestLogs() {
    for (const auto& line : host_.Logs()) {
      const size_t at = line.message.find(" containers went away while ");
      if (at != std::string::npos) {
        const size_t start = line.message.rfind(' ', at - 1) + 1;
        result_.reconciled += std::atoi(line.message.c_str() + start);
      }
      if (line.severity == SS_PLUGIN_LOG_SEV_WARNING || line.severity == SS_PLUGIN_LOG_SEV_ERROR)
        Problem("plugin: " + line.message);
    }
    host_.ClearLogs();
  }

  void Problem(const std::string& what) {
    std::lock_guard lock(problems_mu_);
    if (result_.problems.size() < 40) result_.problems.push_back(what);
  }

  const ChurnOptions& options_;
  std::vector<std::unique_ptr<ChurnEngine>>& engines_;
  testhost::PluginHost& host_;
  ChurnResult& result_;
  std::vector<std::atomic<int>> slots_;  // next ctr name per engine
  std::atomic<int> lives_done_{0};       // in the current Run
  std::atomic<int> create_retries_{0}, remove_retries_{0}, sighted_{0};

  std::mutex mu_;
  std::vector<std::unique_ptr<Sighting>> sightings_;
  std::vector<int64_t> dead_;                          // threads whose container is gone
  std::vector<std::pair<std::string, bool>> churned_;  // short id, sighted
  std::mutex problems_mu_;

  // The event thread's own.
  ChurnObserver observer_;
  std::set<std::string> truth_;
  int64_t next_tid_ = kFirstTid;
  Clock::time_point last_event_ = Clock::now();
  Clock::time_point last_sample_{};
};

}  // namespace

std::vector<std::string> ChurnSizeMetrics(const std::vector<std::string>& kinds) {
  std::vector<std::string> names = {"n_containers", "n_unknown_container_ids_pending"};
  for (const auto& kind : kinds) {
    for (const char* size : {"_inspects_queued", "_containers_known", "_events_remembered"})
      names.push_back("n_" + kind + size);
  }
  return names;
}

ChurnResult RunChurn(const ChurnOptions& options) {
  ChurnResult result;
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  std::vector<std::unique_ptr<ChurnEngine>> engines;
  for (const auto& kind : options.kinds) {
    std::string error;
    auto engine = StartChurnEngine(kind, &error);
    if (!engine) {
      result.setup_error = kind + " did not start: " + error;
      return result;
    }
    engines.push_back(std::move(engine));
  }
  say("daemons started");
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  if (host == nullptr || !host->Init(ChurnPluginConfig(engines, "info"), &error) ||
      host->EnableAsync() != SS_PLUGIN_SUCCESS) {
    result.setup_error = "plugin: " + error;
    return result;
  }
  Churn churn(options, engines, *host, result);
  if (!churn.MakeResidents(&error)) {
    result.setup_error = "resident container: " + error;
    return result;
  }
  host->CaptureOpen();

  // A warm-up of a few lives per engine: what a first container allocates once (connections, thread
  // stacks, heap arenas) is not churn.
  churn.Run(3 * static_cast<int>(engines.size()), /*restarts=*/false);
  if (!churn.Settle(&result.existing_before)) {
    result.setup_error = "the plugin did not settle after the warm-up";
    return result;
  }
  say("warmed up");
  churn.ResetCounts();
  result.rss_half_kb = 0;
  result.before = churn.Metrics();
  malloc_trim(0);
  result.rss_before_kb = StatusKb("VmRSS:");

  const auto started = Clock::now();
  churn.Run(options.containers, options.restarts);
  result.churn_s = Seconds(started);
  say("churn done; settling");
  const auto settling = Clock::now();
  result.quiet = churn.Settle(&result.existing_after);
  result.settle_s = Seconds(settling);
  result.after = churn.Metrics();
  churn.Compare();
  result.rss_after_kb = StatusKb("VmRSS:");
  malloc_trim(0);
  result.rss_after_trim_kb = StatusKb("VmRSS:");
  result.hwm_kb = StatusKb("VmHWM:");
  // The plugin goes before its daemons: its watchers stop first.
  host.reset();
  return result;
}

}  // namespace testengines
