// A churn of containers through real daemons while the plugin .so runs in the test host with those
// engines on, as Falco runs it: shared by the soak benchmark (bench/engines/churn_soak.cpp, 2,000
// containers, figures) and its short ctest (tests/engines/real_churn_plugin_test.cpp, counts).
//
// Per engine, workers run container lives one after another, each of one of these shapes:
//  - started, seen by the parser (a process with its cgroup is exec'd: an id the plugin may not know
//    yet, which it asks the engines for), alive a moment, removed;
//  - created and removed at once (its inspect is still queued or in flight);
//  - started and removed at once.
// Names are reused once their container is gone (docker, podman; ctr names are ids, so they are not).
// With `restarts`, each daemon is killed (SIGKILL, by PID) and restarted during the churn; the podman
// CLI goes on meanwhile (it needs no service), and containers removed before a watcher has listed
// again must be reconciled by its new listing. Containers made around each restart stay to the end.
//
// Afterwards, once quiet: the plugin's cache holds exactly the containers that exist, no container was
// added twice (a record after its removal), and the sizes the plugin reports as metrics (cache,
// inspect queues, the watchers' container memory, handled-events memory, unknown ids) are compared with
// their values before the churn; the process's RSS is read before and after.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace testengines {

struct ChurnOptions {
  std::vector<std::string> kinds = {"docker", "podman", "containerd"};
  int containers = 60;  // churned lives in all, spread evenly over the engines
  int workers_per_engine = 1;
  bool restarts = false;
  // Hang guard for the wait until the plugin is quiet again; never an assertion on time.
  std::chrono::seconds patience{180};
  // Progress lines for the reader (may be empty).
  std::function<void(const std::string&)> progress;
};

struct ChurnResult {
  std::string setup_error;  // a daemon or the plugin did not start: nothing else is valid

  int lives = 0;           // container lives run
  int create_retries = 0;  // creates tried again (the daemon was down)
  int remove_retries = 0;  // removals tried again
  int sighted = 0;         // containers whose process the parser saw
  int restarts = 0;        // daemons killed and restarted
  int reconciled = 0;      // removals the watchers' new listings reported (from the plugin's log)
  // Churned containers the plugin never had a record of: those whose process the parser saw, and how
  // many of the others (created or started and removed at once: a containerd event carries no
  // metadata, so one gone before its inspect is never reported).
  std::vector<std::string> unseen;
  int unseen_brief = 0;
  std::vector<std::string> left_behind;  // in the cache, but no longer in any engine
  std::vector<std::string> missed;       // in an engine at the end, but not in the cache
  std::vector<std::string> added_twice;  // entered the cache again after leaving it
  std::vector<std::string> problems;     // plugin warnings and errors (the first ones)
  bool quiet = false;                    // the plugin settled within the patience

  // Metrics as the plugin reports them: before the churn, after it, and the peak of the gauges.
  std::map<std::string, uint64_t> before, after, peak;
  // Containers each engine holds (by kind), before the churn and after it.
  std::map<std::string, uint64_t> existing_before, existing_after;
  // VmRSS / VmHWM of this process, kB; after_trim: after malloc_trim(0), what the heap keeps.
  // half: when half the lives were done, so that the second half's growth is the steady rate.
  long rss_before_kb = 0, rss_half_kb = 0, rss_after_kb = 0, rss_after_trim_kb = 0, hwm_kb = 0;
  double churn_s = 0, settle_s = 0;
};

ChurnResult RunChurn(const ChurnOptions& options);

// The metrics that must come back to their value before the churn (sizes, not counters), in the
// order the reports list them.
std::vector<std::string> ChurnSizeMetrics(const std::vector<std::string>& kinds);

}  // namespace testengines
