// How soon the engines report containers started one at a time and in bursts, against real daemons
// this program starts on private sockets: docker, podman, containerd (plain `ctr run -d`) and
// Kubernetes pods through containerd's CRI plugin (the containerd and cri watchers both on, as on a
// node). The watchers are built by CreateEngines from a plugin config exactly as the plugin builds them
// and report to a sink of ours (tests/engines/burst_sink.h): the records the plugin turns into async
// events one queue hop later.
//
// Scenarios: one at a time (each container reported and stamped before the next starts); 20 started
// 100 ms apart; 50 started at once (each start on its own thread: `docker|podman run -d`, `ctr run -d`,
// CRI CreateContainer + StartContainer). Every container runs first_exec_stamp, which writes
// CLOCK_REALTIME first thing after its first execve (see engine_latency_bench for why that is the
// proxy of "the first execve is parsed").
//
// Per engine x scenario:
//  * create->report p50/p99: from the engine's own create event (timeNano of docker/podman's /events,
//    the envelope timestamp of containerd's /containers/create, also for CRI pods' containers in
//    k8s.io; read by a follower of ours) to the sink's first record of the container;
//  * create->facts p50/p99: to the record after which the folded facts (name + image; + pod name and
//    namespace for CRI pods) were complete;
//  * before_first_exec: the share of containers whose facts were complete before their stamp.
// Times are reported, never asserted. ENGINE_BURST_SERIAL_N (default 20) sets the one-at-a-time count.
#include <benchmark/benchmark.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "containerd_create_follower.h"
#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/burst_sink.h"
#include "engines/burst_targets.h"
#include "engines/engine_factory.h"
#include "http_create_follower.h"
#include "latency_stats.h"

namespace {

using namespace std::chrono_literals;
using benchengines::Percentile;
using benchengines::Us;
using testengines::BurstSink;
using testengines::StartedContainer;

// Hang guards only: a missing event is counted, not waited for forever.
constexpr auto kEventPatience = 30s;

struct Scenario {
  const char* name;
  int containers;
  std::chrono::milliseconds spacing;
  bool one_at_a_time;
};

// Quiet: warnings from the engines would only garble the benchmark table.
class NullLogger : public libcontainer::Logger {
 public:
  bool Enabled(libcontainer::LogLevel) const override { return false; }
  void Log(libcontainer::LogLevel, std::string_view) const override {}
};

// One container's figures; nullopt where an event never came.
struct Sample {
  std::optional<benchengines::CreateEvent> created;
  std::optional<int64_t> reported, facts, first_exec;
};

class BurstRun {
 public:
  BurstRun(testengines::BurstTarget& target, const std::string& stamp_dir)
      : target_(target), stamp_dir_(stamp_dir) {}

  StartedContainer Start(const std::string& tag) {
    testengines::ContainerCommand command;
    command.argv = {"/stamp", "/out/" + tag};
    command.binds = {{FIRST_EXEC_STAMP_PATH, "/stamp", true}, {stamp_dir_, "/out", false}};
    StartedContainer c = target_.Start(tag, command);
    if (!c.id.empty()) tags_[c.id] = tag;
    return c;
  }

  Sample Measure(const StartedContainer& c, benchengines::CreateFollower& follower, BurstSink& sink) {
    Sample s;
    s.created = follower.WaitFor(c.id, kEventPatience);
    sink.WaitAll(
        {c.id}, [&](const BurstSink::History& h) { return FactsKnownAt(h, c.expected).has_value(); },
        kEventPatience);
    const BurstSink::History h = sink.Get(c.id);
    if (h.records > 0) s.reported = h.first_record_ns;
    s.facts = FactsKnownAt(h, c.expected);
    s.first_exec = benchengines::WaitForStamp(stamp_dir_ + "/" + tags_[c.id], kEventPatience);
    return s;
  }

 private:
  testengines::BurstTarget& target_;
  const std::string stamp_dir_;
  std::map<std::string, std::string> tags_;  // id -> tag (its stamp's file name)
};

void Report(benchmark::State& state, const std::string& what, const std::vector<Sample>& samples) {
  std::vector<double> report_us, facts_us;
  int before_exec = 0, missed = 0;
  for (const auto& s : samples) {
    if (!s.created || !s.reported || !s.facts || !s.first_exec) ++missed;
    if (s.created && s.reported) report_us.push_back(Us(*s.reported, s.created->time_nano));
    if (s.created && s.facts) facts_us.push_back(Us(*s.facts, s.created->time_nano));
    if (s.facts && s.first_exec && *s.facts < *s.first_exec) ++before_exec;
  }
  std::sort(report_us.begin(), report_us.end());
  std::sort(facts_us.begin(), facts_us.end());
  const double n = static_cast<double>(samples.size());
  state.counters["containers"] = n;
  state.counters["report_p50_us"] = Percentile(report_us, 50);
  state.counters["report_p99_us"] = Percentile(report_us, 99);
  state.counters["facts_p50_us"] = Percentile(facts_us, 50);
  state.counters["facts_p99_us"] = Percentile(facts_us, 99);
  state.counters["before_first_exec"] = n > 0 ? before_exec / n : 0;
  state.counters["missed"] = missed;
  std::fprintf(stderr, "[engine_burst] | %s | %zu | %.1f | %.1f | %.1f | %.1f | %d/%zu (%.0f%%) | %d |\n",
               what.c_str(), samples.size(), Percentile(report_us, 50) / 1000,
               Percentile(report_us, 99) / 1000, Percentile(facts_us, 50) / 1000,
               Percentile(facts_us, 99) / 1000, before_exec, samples.size(),
               n > 0 ? 100 * before_exec / n : 0.0, missed);
}

void BurstLatency(benchmark::State& state, const std::string& kind, const Scenario& scenario) {
  std::string error;
  auto target = testengines::StartBurstTarget(kind, &error);
  if (!target) {
    state.SkipWithError((kind + " did not start: " + error).c_str());
    return;
  }
  std::unique_ptr<benchengines::CreateFollower> follower;
  if (kind == "docker" || kind == "podman") {
    follower = std::make_unique<benchengines::HttpCreateFollower>(target->socket());
  } else {
    follower = std::make_unique<benchengines::ContainerdCreateFollower>(target->socket());
  }
  NullLogger logger;
  BurstSink sink;
  auto engines =
      libcontainer::CreateEngines(libcontainer::ParsePluginConfig(target->PluginConfigJson()), "", logger);
  for (auto& engine : engines) engine->Start(sink);
  for (auto& engine : engines) engine->WaitForInitialList(kEventPatience);
  const std::string stamp_dir = target->ScratchDir() + "/stamps";
  ::mkdir(stamp_dir.c_str(), 0755);
  BurstRun run(*target, stamp_dir);

  // The warm-up proves the streams are live; it is not counted.
  const StartedContainer warm = run.Start("warm-up");
  const Sample warm_sample = warm.id.empty() ? Sample{} : run.Measure(warm, *follower, sink);
  if (!warm_sample.created || !warm_sample.facts || !warm_sample.first_exec) {
    state.SkipWithError((kind + ": warm-up container not seen: " + warm.error + follower->error()).c_str());
    for (auto& engine : engines) engine->Stop();
    return;
  }
  std::vector<StartedContainer> started;
  std::vector<Sample> samples;
  for (auto _ : state) {
    auto tag = [&](int i) { return std::string(scenario.name) + "-" + std::to_string(i); };
    if (scenario.one_at_a_time) {
      for (int i = 0; i < scenario.containers; ++i) {
        started.push_back(run.Start(tag(i)));
        if (!started.back().id.empty()) samples.push_back(run.Measure(started.back(), *follower, sink));
      }
    } else {
      started = testengines::RunBurst(scenario.containers, scenario.spacing,
                                      [&](int i) { return run.Start(tag(i)); });
      for (const auto& c : started) {
        if (!c.id.empty()) samples.push_back(run.Measure(c, *follower, sink));
      }
    }
  }
  std::vector<std::string> ids = {warm.id};
  for (const auto& c : started) {
    if (c.id.empty()) std::fprintf(stderr, "[engine_burst] start failed: %s\n", c.error.c_str());
    if (!c.id.empty()) ids.push_back(c.id);
  }
  if (!target->Remove(ids, &error)) std::fprintf(stderr, "[engine_burst] %s\n", error.c_str());
  for (auto& engine : engines) engine->Stop();
  Report(state, kind + " | " + scenario.name, samples);
}

int SerialCount() {
  const char* env = std::getenv("ENGINE_BURST_SERIAL_N");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : 20;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Scenario> scenarios = {{"one_at_a_time", SerialCount(), 0ms, true},
                                           {"20_at_100ms", 20, 100ms, false},
                                           {"50_at_once", 50, 0ms, false}};
  for (const char* kind : {"docker", "podman", "containerd", "cri"}) {
    for (const auto& scenario : scenarios) {
      // One pass per daemon: repetitions would only restart it.
      benchmark::RegisterBenchmark((std::string(kind) + "/" + scenario.name).c_str(), BurstLatency, kind,
                                   scenario)
          ->Iterations(1)
          ->Unit(benchmark::kSecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
