// The churn soak: thousands of containers created and removed through real dockerd, podman and
// containerd (plain ctr containers), mixed, while the plugin .so runs in the test host with the three
// engines on, as Falco runs it (tests/engines/churn_run.h says what a run does and checks). Reports
// the figures: lives and retries, what the plugin got wrong (left behind, missed, entered twice), the
// sizes it reports as metrics before, at their peak and after, and the process's RSS.
//
//   churn_soak [--containers N] [--workers-per-engine W] [--restarts]
//
// N defaults to 2000 (spread evenly over the engines); --restarts kills (SIGKILL) and restarts each
// daemon once during the churn. Needs root and the engines' packages; run by hand, not in CI (its
// short variant is the `daemons` ctest RealChurnPlugin). Exits 1 if a check failed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "engines/churn_run.h"

namespace {

void Say(const std::string& line) {
  const std::time_t now = std::time(nullptr);
  char stamp[16];
  std::strftime(stamp, sizeof(stamp), "%H:%M:%S", std::localtime(&now));
  std::fprintf(stderr, "[churn_soak %s] %s\n", stamp, line.c_str());
}

void List(const char* what, const std::vector<std::string>& items) {
  std::printf("| %s | %zu |", what, items.size());
  for (size_t i = 0; i < items.size() && i < 5; ++i) std::printf(" %s", items[i].c_str());
  std::printf("%s\n", items.size() > 5 ? " ..." : "");
}

}  // namespace

int main(int argc, char** argv) {
  testengines::ChurnOptions options;
  options.containers = 2000;
  options.workers_per_engine = 2;
  options.patience = std::chrono::seconds(600);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--restarts") {
      options.restarts = true;
    } else if (arg == "--containers" && i + 1 < argc) {
      options.containers = std::atoi(argv[++i]);
    } else if (arg == "--workers-per-engine" && i + 1 < argc) {
      options.workers_per_engine = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--containers N] [--workers-per-engine W] [--restarts]\n", argv[0]);
      return 2;
    }
  }
  options.progress = Say;
  const auto started = std::chrono::steady_clock::now();
  const testengines::ChurnResult r = testengines::RunChurn(options);
  if (!r.setup_error.empty()) {
    Say("setup failed: " + r.setup_error);
    return 1;
  }
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::printf("\n| churn%s | value |\n|---|---|\n", options.restarts ? " with restarts" : "");
  std::printf("| container lives (docker, podman, containerd) | %d |\n", r.lives);
  std::printf("| lives whose process the parser saw | %d |\n", r.sighted);
  std::printf("| creates / removals tried again | %d / %d |\n", r.create_retries, r.remove_retries);
  std::printf("| daemons killed and restarted | %d |\n", r.restarts);
  std::printf("| removals reported by a new listing | %d |\n", r.reconciled);
  std::printf("| churn / settle / whole run | %.0f s / %.1f s / %.0f s |\n", r.churn_s, r.settle_s, total_s);
  std::printf("| settled | %s |\n", r.quiet ? "yes" : "NO");
  List("left behind in the cache", r.left_behind);
  List("missed (in an engine, not in the cache)", r.missed);
  List("entered the cache twice", r.added_twice);
  List("seen by the parser, never reported", r.unseen);
  std::printf("| removed at once, never reported | %d |\n", r.unseen_brief);

  std::printf("\n| size (metric) | before | peak | after |\n|---|---|---|---|\n");
  for (const auto& name : testengines::ChurnSizeMetrics(options.kinds)) {
    auto get = [&](const std::map<std::string, uint64_t>& m) { return m.count(name) ? m.at(name) : 0; };
    std::printf("| %s | %llu | %llu | %llu |\n", name.c_str(), static_cast<unsigned long long>(get(r.before)),
                static_cast<unsigned long long>(get(r.peak)), static_cast<unsigned long long>(get(r.after)));
  }
  for (const auto& kind : options.kinds) {
    std::printf("| containers in %s (engine's list) | %llu | | %llu |\n", kind.c_str(),
                static_cast<unsigned long long>(r.existing_before.at(kind)),
                static_cast<unsigned long long>(r.existing_after.at(kind)));
  }

  const long growth_kb = r.rss_after_kb - r.rss_before_kb;
  std::printf("\n| RSS of the host + plugin | value |\n|---|---|\n");
  std::printf("| before the churn (after warm-up, malloc_trim) | %ld kB |\n", r.rss_before_kb);
  std::printf("| half the lives done | %ld kB |\n", r.rss_half_kb);
  std::printf("| after, settled | %ld kB |\n", r.rss_after_kb);
  std::printf("| after, malloc_trim(0) | %ld kB |\n", r.rss_after_trim_kb);
  std::printf("| peak (VmHWM) | %ld kB |\n", r.hwm_kb);
  std::printf("| growth per container life (settled / trimmed) | %.0f B / %.0f B |\n",
              r.lives > 0 ? growth_kb * 1024.0 / r.lives : 0.0,
              r.lives > 0 ? (r.rss_after_trim_kb - r.rss_before_kb) * 1024.0 / r.lives : 0.0);
  std::printf("| growth per container life, second half (steady rate) | %.0f B |\n",
              r.lives > 0 ? (r.rss_after_kb - r.rss_half_kb) * 1024.0 / (r.lives / 2.0) : 0.0);
  if (!r.problems.empty()) {
    std::printf("\nplugin warnings and churn problems (first %zu):\n", r.problems.size());
    for (const auto& p : r.problems) std::printf("  %s\n", p.c_str());
  }
  const bool ok = r.quiet && r.left_behind.empty() && r.missed.empty() && r.added_twice.empty() &&
                  (options.restarts || r.unseen.empty());
  return ok ? 0 : 1;
}
