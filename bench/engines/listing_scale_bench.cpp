// The plugin starting on a node that already runs thousands of containers: the .so in the test host
// with the docker and CRI engines on, against a fake docker and a fake CRI runtime listing 10,000
// containers each (the scale-fake-engines helper, built from the recorded samples; CRI containers 10
// per pod, whose sandboxes are listed too). tests/engines/scale_listing.h says what a run measures.
//
//   listing_scale_bench [--containers N] [--docker N] [--cri N]   N per engine, default 10000
//
// Reports: time from the engines' Start() until each engine's last listed container reached the
// event thread; where containers made during the listing arrived; the event thread's calls meanwhile;
// the process's RSS before and after, per cached container. Goal (issue 11): <= 2 s, <= 4 KiB.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engines/scale_listing.h"

int main(int argc, char** argv) {
  testengines::ScaleOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--containers" && i + 1 < argc) {
      options.docker = options.cri = std::atoi(argv[++i]);
    } else if (arg == "--docker" && i + 1 < argc) {
      options.docker = std::atoi(argv[++i]);
    } else if (arg == "--cri" && i + 1 < argc) {
      options.cri = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--containers N] [--docker N] [--cri N]\n", argv[0]);
      return 2;
    }
  }
  options.inject_at = options.docker / 2;
  const testengines::ScaleResult r = testengines::RunScaleListing(options);
  if (!r.error.empty()) {
    std::fprintf(stderr, "listing_scale_bench: %s\n", r.error.c_str());
    return 1;
  }
  const long growth_kb = r.rss_after_kb - r.rss_before_kb;
  std::printf("| listing at start | value |\n|---|---|\n");
  std::printf("| docker: %d listed, Start() -> last one at the event thread | %.2f s |\n", r.docker_listed,
              r.docker_listed_s);
  std::printf("| cri: %d containers + %d pod sandboxes listed, Start() -> last container | %.2f s |\n",
              r.cri_listed, r.sandboxes_listed, r.cri_listed_s);
  std::printf("| injected when docker had delivered | %d |\n", r.injected_at);
  std::printf(
      "| injected docker container: arrived after docker container # / ms after the injection | %d / %.0f ms "
      "|\n",
      r.docker_before_injected_docker, r.injected_docker_ms);
  std::printf(
      "| injected cri container: arrived after docker container # / ms after the injection | %d / %.0f ms "
      "|\n",
      r.docker_before_injected_cri, r.injected_cri_ms);
  std::printf("| event thread: name of a listed container extracted while docker was still listing | %s |\n",
              r.name_while_listing ? "yes" : "no");
  std::printf(
      "| event thread: turns; parse+extract p99 / slowest; longest turn | %llu; %.1f us / %.0f us; %.1f ms "
      "|\n",
      static_cast<unsigned long long>(r.turns), r.p99_call_us, r.slowest_call_us, r.longest_turn_ms);
  std::printf("| containers in the plugin's cache | %llu |\n", static_cast<unsigned long long>(r.cached));
  const int records = r.docker_listed + r.cri_listed + r.sandboxes_listed;
  std::printf(
      "| CPU until all arrived: plugin process / fake engines; plugin per listed record | %.2f s / %.2f s; "
      "%.0f us |\n",
      r.cpu_plugin_s, r.cpu_engines_s, records > 0 ? r.cpu_plugin_s * 1e6 / records : 0.0);
  std::printf("| RSS before Start() / after / after malloc_trim | %ld / %ld / %ld kB |\n", r.rss_before_kb,
              r.rss_after_kb, r.rss_after_trim_kb);
  std::printf(
      "| RSS growth per cached container (settled / trimmed) | %.0f B / %.0f B |\n",
      r.cached > 0 ? growth_kb * 1024.0 / static_cast<double>(r.cached) : 0.0,
      r.cached > 0 ? (r.rss_after_trim_kb - r.rss_before_kb) * 1024.0 / static_cast<double>(r.cached) : 0.0);
  return 0;
}
