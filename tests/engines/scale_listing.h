// The plugin .so, in the test host, starting against engines that already hold thousands of
// containers (a fake docker and a fake CRI runtime in the scale-fake-engines helper process): how long
// until every listed container has reached the event thread, what each cached container costs, and
// whether the event thread went on meanwhile. Shared by the scale benchmark
// (bench/engines/listing_scale_bench.cpp, 10,000 per engine, figures) and its test
// (tests/e2e/listing_scale_test.cpp, counts and orderings).
//
// The event thread (this one, as in libsinsp) delivers the plugin's async events and, on every turn,
// parses an execve of a process in the first listed docker container and extracts its name, timing
// each call. Once `inject_at` docker containers have arrived, a container is made on each engine and
// announced by a create event; where they arrive among the listed ones is recorded. With `hold_at`,
// docker's listing is stuck at that container until the injected CRI container has arrived: a CRI
// event must get through while another engine lists.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace testengines {

// CRI containers per pod in the helper: their pod sandboxes are listed too.
inline constexpr int kCriContainersPerPod = 10;

struct ScaleOptions {
  int docker = 10000;
  int cri = 10000;  // kCriContainersPerPod per pod
  int inject_at = 5000;
  int hold_at = 0;                     // 0: docker lists at its own pace
  std::chrono::seconds patience{300};  // hang guard
};

struct ScaleResult {
  std::string error;  // setup failed, or the patience ran out (what was missing)

  // From the engines' Start() (plugin_set_async_event_handler) until the last listed container of
  // each engine (for CRI: container or pod sandbox) reached the event thread.
  double docker_listed_s = 0, cri_listed_s = 0;
  int docker_listed = 0, cri_listed = 0, sandboxes_listed = 0;

  // The injection: docker containers arrived when it was made; docker containers arrived when each
  // injected container arrived, and how long after the injection.
  int injected_at = 0;
  int docker_before_injected_docker = 0, docker_before_injected_cri = 0;
  double injected_docker_ms = 0, injected_cri_ms = 0;

  // The event thread: the name of the first docker container extracted while docker was still
  // listing; its turns and the slowest parse+extract; the longest turn.
  bool name_while_listing = false;
  uint64_t turns = 0;
  double slowest_call_us = 0, p99_call_us = 0, longest_turn_ms = 0;

  // Memory of this process (test host + plugin): before Start() and once everything arrived and
  // the engines ended their listings (after: also after malloc_trim(0)); the containers the
  // plugin's cache holds then.
  long rss_before_kb = 0, rss_after_kb = 0, rss_after_trim_kb = 0;
  uint64_t cached = 0;

  // CPU time spent from Start() until everything arrived: by this process (the plugin's watchers and
  // the event thread) and by the helper serving the fake engines. On a small machine they share the
  // cores, so the helper's part slows the listing too.
  double cpu_plugin_s = 0, cpu_engines_s = 0;
};

ScaleResult RunScaleListing(const ScaleOptions& options);

}  // namespace testengines
