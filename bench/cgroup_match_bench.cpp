// Cost of the per-clone/execve cgroup lookup, and proof that a cache hit does
// not allocate (`allocs_per_iter` must read 0).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "alloc_counter.h"
#include "core/cgroup_match_cache.h"
#include "core/cgroup_matcher.h"

namespace {

using libcontainer::CgroupMatch;
using libcontainer::CgroupMatchCache;
using libcontainer::CgroupMatcher;

constexpr char kHexDigits[] = "0123456789abcdef";

// A deterministic 64-hex id per `n`.
std::string RuncId(uint64_t n) {
  std::string id(64, '0');
  uint64_t x = n * 0x9e3779b97f4a7c15ULL + 1;
  for (char& c : id) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = kHexDigits[x & 0xf];
  }
  return id;
}

// One path per common layout, container or not.
std::vector<std::string> MixedPaths() {
  return {
      "/docker/" + RuncId(1),
      "/system.slice/docker-" + RuncId(2) + ".scope",
      "/libpod_parent/libpod-" + RuncId(3),
      "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + RuncId(4) + ".scope/container",
      "/kubepods.slice/kubepods-burstable.slice/"
      "kubepods-burstable-pod2a7b4c8d_1e2f_4a5b_9c6d_7e8f9a0b1c2d.slice/"
      "cri-containerd-" +
          RuncId(5) + ".scope",
      "/kubepods/besteffort/pod2a7b4c8d-1e2f-4a5b-9c6d-7e8f9a0b1c2d/" + RuncId(6),
      "/default/probe-run",
      "/lxc.payload.web01",
      "/user.slice/user-1000.slice/session-2.scope",
      "/",
  };
}

void ReportAllocations(benchmark::State& state, uint64_t before) {
  uint64_t allocations = g_allocations.load(std::memory_order_relaxed) - before;
  state.counters["allocs_per_iter"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
}

void BM_CgroupMatchCacheHit(benchmark::State& state) {
  CgroupMatcher matcher;
  std::vector<std::string> paths = MixedPaths();
  CgroupMatchCache cache(matcher, paths.size());
  for (const std::string& path : paths) cache.Lookup(path);
  size_t next = 0;
  uint64_t before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.Lookup(paths[next]));
    if (++next == paths.size()) next = 0;
  }
  ReportAllocations(state, before);
  if (cache.misses() != paths.size()) state.SkipWithError("a hit turned into a miss");
}
BENCHMARK(BM_CgroupMatchCacheHit);

// Every lookup misses: more distinct paths than the cache holds, cycled.
void BM_CgroupMatchCacheMiss(benchmark::State& state) {
  CgroupMatcher matcher;
  constexpr size_t kCapacity = 256;
  std::vector<std::string> paths;
  for (uint64_t i = 0; i < 4 * kCapacity; ++i) {
    paths.push_back(i % 2 ? "/docker/" + RuncId(i) : "/system.slice/docker-" + RuncId(i) + ".scope");
  }
  CgroupMatchCache cache(matcher, kCapacity);
  // Fill the cache so the measured loop is the steady state (recycled entries).
  for (const std::string& path : paths) cache.Lookup(path);
  size_t next = 0;
  uint64_t hits_before = cache.hits();
  uint64_t before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.Lookup(paths[next]));
    if (++next == paths.size()) next = 0;
  }
  ReportAllocations(state, before);
  if (cache.hits() != hits_before) state.SkipWithError("a miss turned into a hit");
}
BENCHMARK(BM_CgroupMatchCacheMiss);

void BM_CgroupMatcherRaw(benchmark::State& state) {
  CgroupMatcher matcher;
  std::vector<std::string> paths = MixedPaths();
  size_t next = 0;
  uint64_t before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    CgroupMatch match;
    benchmark::DoNotOptimize(matcher.Match(paths[next], &match));
    benchmark::DoNotOptimize(match);
    if (++next == paths.size()) next = 0;
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_CgroupMatcherRaw);

}  // namespace
