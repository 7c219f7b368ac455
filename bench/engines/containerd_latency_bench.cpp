// How soon the containerd and CRI watchers report a new container, measured in-process against a real
// containerd 1.6 that this program starts on a private socket (tests/engines/real_containerd_cri.h). The
// engines run with the plugin's default timing and hooks ([create]); their sink stamps arrivals.
//
//  * ContainerdEngine (native events): for each of N `ctr run -d` containers, from the timestamp of
//    containerd's own /containers/create envelope (read by a subscriber of ours on a separate
//    connection) to the engine sink's first OnContainer for that id. Both are CLOCK_REALTIME on this
//    host. Containers are measured one at a time and removed before the next one.
//  * CriEngine (polling: containerd 1.6 answers GetContainerEvents with UNIMPLEMENTED): for each of N
//    pod containers, from CreateContainer returning to the sink's first OnContainer (steady clock).
//    A random delay in [0, poll interval) before each create spreads creates over the poll phase, so
//    the expectation is about poll/2 plus the status calls.
//
// The first container of each kind is a warm-up and is not counted. Times are reported, never
// asserted. CONTAINERD_LATENCY_N / CRI_LATENCY_N override the counts (defaults 100 / 30).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "containerd_create_follower.h"
#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/burst_sink.h"
#include "engines/container_engine.h"
#include "engines/containerd/containerd_client.h"
#include "engines/containerd/containerd_decoder.h"
#include "engines/containerd/containerd_engine.h"
#include "engines/cri/cri_engine.h"
#include "engines/cri_pod_ops.h"
#include "engines/real_containerd_cri.h"
#include "latency_stats.h"

namespace {

using namespace std::chrono_literals;
using benchengines::Percentile;
using benchengines::Us;
using libcontainer::ContainerInfo;
using testengines::RealContainerd;
using testengines::RealContainerdCri;
using testengines::WallNs;
namespace cri = ::runtime::v1;

// Hang guards only: a missing report is counted, not waited for forever.
constexpr auto kEventPatience = 10s;
constexpr auto kListPatience = 30s;

int CountFromEnv(const char* name, int fallback) {
  const char* env = std::getenv(name);
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Quiet: warnings from the engines would only garble the benchmark table.
class NullLogger : public libcontainer::Logger {
 public:
  bool Enabled(libcontainer::LogLevel) const override { return false; }
  void Log(libcontainer::LogLevel, std::string_view) const override {}
};

// Both clocks at the first OnContainer of each full id.
struct Arrival {
  int64_t wall_ns = 0, steady_ns = 0;
};

class ArrivalSink : public libcontainer::ContainerSink {
 public:
  void OnContainer(const ContainerInfo& info) override {
    const Arrival now{WallNs(), SteadyNs()};
    std::lock_guard lock(mu_);
    if (arrived_.emplace(info.full_id, now).second) cv_.notify_all();
  }
  void OnContainerRemoved(const ContainerInfo&) override {}

  std::optional<Arrival> WaitFor(const std::string& id, std::chrono::milliseconds patience) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, patience, [&] { return arrived_.count(id) > 0; });
    auto it = arrived_.find(id);
    return it == arrived_.end() ? std::nullopt : std::optional<Arrival>(it->second);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Arrival> arrived_;
};

void Report(benchmark::State& state, const char* what, std::vector<double> latency_us, int missed,
            const std::string& extra) {
  std::sort(latency_us.begin(), latency_us.end());
  const double max = latency_us.empty() ? 0 : latency_us.back();
  state.counters["containers"] = static_cast<double>(latency_us.size());
  state.counters["p50_us"] = Percentile(latency_us, 50);
  state.counters["p99_us"] = Percentile(latency_us, 99);
  state.counters["max_us"] = max;
  state.counters["missed"] = missed;
  std::fprintf(stderr, "[containerd_latency] %s: N=%zu p50 %.0f us, p99 %.0f us, max %.0f us; missed %d%s\n",
               what, latency_us.size(), Percentile(latency_us, 50), Percentile(latency_us, 99), max, missed,
               extra.c_str());
}

void BM_ContainerdCreateEventToEngine(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::string error;
  auto containerd = RealContainerd::Start(&error);
  if (!containerd) {
    state.SkipWithError(("containerd did not start: " + error).c_str());
    return;
  }
  NullLogger logger;
  ArrivalSink sink;
  libcontainer::PluginConfig config;  // default hooks: [create]
  auto follower = std::make_unique<benchengines::ContainerdCreateFollower>(containerd->socket());
  libcontainer::ContainerdEngine engine({containerd->socket()}, config, logger);
  engine.Start(sink);
  if (!engine.WaitForInitialList(kListPatience)) {
    state.SkipWithError(("engine never listed: " + engine.stats().last_error).c_str());
    return;
  }

  std::vector<double> latency_us, stream_us, call_us;
  int missed = 0, before_call_returned = 0;
  for (auto _ : state) {
    for (int i = 0; i <= n; ++i) {  // i == 0: warm-up
      const std::string id = RealContainerd::UniqueId("latency");
      const int64_t call_start = WallNs();
      if (!containerd->CreateCtrContainer("default", id, true)) {
        state.SkipWithError(("ctr run: " + containerd->last_error()).c_str());
        break;
      }
      const int64_t call_end = WallNs();
      auto created = follower->WaitFor(id, kEventPatience);
      auto arrival = sink.WaitFor(id, kEventPatience);
      if (!containerd->RemoveCtrContainer("default", id)) {
        std::fprintf(stderr, "[containerd_latency] %s\n", containerd->last_error().c_str());
      }
      if (i == 0 && (!created || !arrival)) {
        state.SkipWithError(created ? "warm-up container not reported by the engine"
                                    : "no /containers/create event for the warm-up container");
        break;
      }
      if (i == 0) continue;
      call_us.push_back(Us(call_end, call_start));
      if (!created || !arrival) {
        ++missed;
        continue;
      }
      latency_us.push_back(Us(arrival->wall_ns, created->time_nano));
      stream_us.push_back(Us(created->received_ns, created->time_nano));
      before_call_returned += arrival->wall_ns < call_end ? 1 : 0;
    }
  }
  engine.Stop();
  follower.reset();

  std::sort(stream_us.begin(), stream_us.end());
  std::sort(call_us.begin(), call_us.end());
  // Our own subscriber's delivery delay: what containerd's event stream itself takes.
  state.counters["event_stream_p50_us"] = Percentile(stream_us, 50);
  state.counters["ctr_run_p50_us"] = Percentile(call_us, 50);
  const double reported = static_cast<double>(latency_us.size());
  state.counters["before_ctr_returned"] = reported > 0 ? before_call_returned / reported : 0;
  char extra[256];
  std::snprintf(extra, sizeof extra,
                " (event stream p50 %.0f us; ctr run -d p50 %.0f us; reported before ctr returned %d/%zu)",
                Percentile(stream_us, 50), Percentile(call_us, 50), before_call_returned, latency_us.size());
  Report(state, "containerd /containers/create -> ContainerdEngine", std::move(latency_us), missed, extra);
}

void BM_CriCreateToPollingEngine(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::string error;
  auto containerd = RealContainerdCri::Start(&error);
  if (!containerd) {
    state.SkipWithError(("containerd did not start: " + error).c_str());
    return;
  }
  const std::string pod_name = "latency-pod", pod_ns = "bench", pod_uid = "uid-latency";
  const std::string sandbox = containerd->RunHostNetworkPod(pod_name, pod_ns, pod_uid);
  // The requests CreateAndStartPodContainer would send, made here so the time CreateContainer returns is
  // ours to take.
  const cri::PodSandboxConfig pod = testengines::HostNetworkPodConfig(pod_name, pod_ns, pod_uid);
  if (sandbox.empty()) {
    state.SkipWithError(("RunPodSandbox: " + containerd->last_error()).c_str());
    return;
  }
  NullLogger logger;
  ArrivalSink sink;
  libcontainer::PluginConfig config;
  const libcontainer::EngineTiming timing;  // the plugin's defaults, poll interval included
  libcontainer::CriEngine engine({containerd->socket()}, config, logger, timing);
  engine.Start(sink);
  if (!engine.WaitForInitialList(kListPatience)) {
    state.SkipWithError(("engine never listed: " + engine.stats().last_error).c_str());
    return;
  }

  std::mt19937 random(12345);  // fixed seed: the same spread of phases on every run
  std::uniform_int_distribution<int> phase_ms(0, static_cast<int>(timing.cri_poll_interval.count()) - 1);
  std::vector<double> latency_us;
  int missed = 0;
  for (auto _ : state) {
    for (int i = 0; i <= n; ++i) {  // i == 0: warm-up
      std::this_thread::sleep_for(std::chrono::milliseconds(phase_ms(random)));
      std::string id;
      grpc::Status status = containerd->cri().CreateContainer(
          testengines::PodContainerRequest(sandbox, pod, "latency-" + std::to_string(i)), &id);
      const int64_t created = SteadyNs();
      if (!status.ok()) {
        state.SkipWithError(("CreateContainer: " + status.error_message()).c_str());
        break;
      }
      // Like kubelet: started right away; the engine may see it in either state.
      status = containerd->cri().StartContainer(id);
      auto arrival = sink.WaitFor(id, kEventPatience);
      if (!containerd->RemovePodContainer(id)) {
        std::fprintf(stderr, "[containerd_latency] %s\n", containerd->last_error().c_str());
      }
      if (!status.ok()) {
        state.SkipWithError(("StartContainer: " + status.error_message()).c_str());
        break;
      }
      if (i == 0 && !arrival) {
        state.SkipWithError("warm-up pod container not reported by the CRI engine");
        break;
      }
      if (i == 0) continue;
      if (!arrival) {
        ++missed;
        continue;
      }
      latency_us.push_back(Us(arrival->steady_ns, created));
    }
  }
  engine.Stop();
  state.counters["poll_interval_ms"] = static_cast<double>(timing.cri_poll_interval.count());
  Report(state, "CRI CreateContainer returned -> CriEngine (polling)", std::move(latency_us), missed,
         " (poll interval " + std::to_string(timing.cri_poll_interval.count()) + " ms)");
}

// One pass over N real containers each: repetitions would only restart the daemon.
BENCHMARK(BM_ContainerdCreateEventToEngine)
    ->Arg(CountFromEnv("CONTAINERD_LATENCY_N", 100))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_CriCreateToPollingEngine)
    ->Arg(CountFromEnv("CRI_LATENCY_N", 30))
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
