// How soon the plugin knows a new container, measured against real dockerd and
// podman daemons that this program starts on private sockets (the fixtures of
// tests/engines/real_engines.h). The plugin is loaded through the test host as
// Falco loads it, with its default hooks ([create]); for podman it also follows
// the daemon's events log (events_logger = "file"), as it does podman's
// default one on a real host.
//
// For each of N containers (benchmark argument; ENGINE_LATENCY_N overrides the
// default 100) we create it through the engine's REST API and start it at once,
// as `docker run` does (create, then start, back to back). Its command is
// `/stamp /out/<name>`: first_exec_stamp (a static binary, bind-mounted
// read-only) writes CLOCK_REALTIME to a file in a per-engine directory
// bind-mounted writable. Then:
//
//  * create->event latency: from the engine's own `create` event (timeNano, read
//    from the engine's /events stream by a follower thread of ours) to the
//    arrival of the plugin's `container` async event for that id at the host
//    (the host stamps the plugin's UINT64_MAX timestamps with the wall clock
//    when the handler is called, so DecodedAsync.ts is the arrival time).
//    Both clocks are CLOCK_REALTIME on this machine. Counters p50/p99/max in us.
//  * before_first_exec: the fraction of containers whose `container` event
//    arrived before the stamp. The stamp is taken first thing in main of a
//    static binary, so it follows the container's first execve (runc init's
//    exec of the command; runc init was itself exec'd before it joined the
//    container's cgroup) by well under a millisecond: the closest measurable
//    proxy for "metadata cached before the first execve is parsed". Lenient
//    by that fraction of a millisecond; strict by everything Falco does after
//    the execve and we do not count (the event still crosses the kernel ring
//    buffer and waits its turn in the parser).
//  * bounds around it: events that arrived before we sent the start request
//    (the first execve cannot happen earlier: a strict lower bound) and before
//    the start request returned (loose: the process may already have run).
//
// Containers are measured one at a time: after each create+start we wait for
// both events (bounded), then remove the container, so one container's
// inspect never queues behind another's. The first container is a warm-up (it
// also proves both event streams are live) and is not counted.
//
// Times are reported, never asserted: a busy machine only moves the figures.
#include <benchmark/benchmark.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engines/http/unix_http_client.h"
#include "engines/real_engines.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"
#include "http_create_follower.h"
#include "latency_stats.h"

namespace {

using namespace std::chrono_literals;
using benchengines::Percentile;
using benchengines::Us;
using benchengines::WaitForStamp;
using libcontainer::UnixHttpClient;
using testengines::RealEngine;
namespace ev = testhost::events;

// Hang guards only: a missing event is counted, not waited for forever.
constexpr auto kEventPatience = 10s;
constexpr auto kConnectPatience = 30s;
constexpr auto kRequestDeadline = 30s;

int ContainerCount() {
  const char* env = std::getenv("ENGINE_LATENCY_N");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : 100;
}

std::string PluginConfig(const std::string& kind, const RealEngine& engine) {
  // No "hooks" key: the plugin's default ([create]) is what is measured.
  const bool docker = kind == "docker";
  const std::string events_logs =
      docker ? ""
             : R"(,"events_logs":[")" + static_cast<const testengines::RealPodman&>(engine).events_log() +
                   R"("])";
  return std::string(R"({"engines":{"docker":{"enabled":)") + (docker ? "true" : "false") +
         R"(,"sockets":[")" + engine.socket() + R"("]},"podman":{"enabled":)" + (docker ? "false" : "true") +
         R"(,"sockets":[")" + engine.socket() + R"("])" + events_logs + "}}}";
}

// Arrival times of the plugin's `container` events, per full id. Drives the
// host as sinsp would: queued async events are parsed by the plugin in order.
class PluginArrivals {
 public:
  explicit PluginArrivals(testhost::PluginHost& host) : host_(host) {}

  std::optional<uint64_t> WaitFor(const std::string& id, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (true) {
      Drain();
      if (auto it = arrived_.find(id); it != arrived_.end()) return it->second;
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      host_.WaitForAsyncEvents(1, 5ms);
    }
  }

  // Lookups without waiting, after later events may have been drained.
  std::optional<uint64_t> Find(const std::string& id) {
    Drain();
    auto it = arrived_.find(id);
    return it == arrived_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  }

 private:
  void Drain() {
    host_.DeliverAsyncEvents();
    for (const auto& raw : host_.LastDeliveredAsyncEvents()) {
      const auto decoded = ev::DecodeAsyncEvent(raw);
      if (!decoded || decoded->name != "container") continue;
      std::string_view data = decoded->data;
      while (!data.empty() && data.back() == '\0') data.remove_suffix(1);
      const auto payload = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
      if (!payload.is_object() || !payload.contains("container")) continue;
      const auto& container = payload["container"];
      if (!container.is_object()) continue;
      const std::string id = container.value("full_id", "");
      // The first report is the one that counts; later ones are updates.
      if (!id.empty()) arrived_.emplace(id, decoded->ts);
    }
  }

  testhost::PluginHost& host_;
  std::map<std::string, uint64_t> arrived_;
};

uint64_t Metric(testhost::PluginHost& host, const std::string& name) {
  for (const auto& m : host.Metrics()) {
    if (m.name == name) return m.value;
  }
  return 0;
}

struct Sample {
  std::string id;
  uint64_t create_sent = 0, create_returned = 0, start_sent = 0, start_returned = 0;
  std::optional<benchengines::CreateEvent> engine_create;
  std::optional<uint64_t> plugin_arrival;
  std::optional<uint64_t> first_exec;  // the container's stamp
};

// POST /containers/create then POST /containers/{id}/start, timed around the
// calls. The container runs `/stamp /out/<name>` with `stamp_dir` as /out.
bool CreateAndStart(UnixHttpClient& api, const std::string& name, const std::string& stamp_dir, Sample* s,
                    std::string* error) {
  const nlohmann::json body = {
      {"Image", RealEngine::kImage},
      {"Cmd", {"/stamp", "/out/" + name}},
      {"HostConfig",
       {{"NetworkMode", "none"},
        {"Binds", {std::string(FIRST_EXEC_STAMP_PATH) + ":/stamp:ro", stamp_dir + ":/out"}}}}};
  s->create_sent = ev::NowNs();
  auto created = api.Post("/containers/create?name=" + name, body.dump(), kRequestDeadline, error);
  s->create_returned = ev::NowNs();
  if (!created) return false;
  if (created->status != 201) {
    *error = "create: HTTP " + std::to_string(created->status) + " " + created->body;
    return false;
  }
  const auto reply = nlohmann::json::parse(created->body, nullptr, /*allow_exceptions=*/false);
  s->id = reply.is_object() ? reply.value("Id", "") : "";
  if (s->id.empty()) {
    *error = "create: no Id in " + created->body;
    return false;
  }
  s->start_sent = ev::NowNs();
  auto started = api.Post("/containers/" + s->id + "/start", "", kRequestDeadline, error);
  s->start_returned = ev::NowNs();
  if (!started) return false;
  if (started->status != 204 && started->status != 304) {
    *error = "start: HTTP " + std::to_string(started->status) + " " + started->body;
    return false;
  }
  return true;
}

void EngineLatency(benchmark::State& state, const std::string& kind) {
  const int n = static_cast<int>(state.range(0));
  std::string error;
  std::unique_ptr<RealEngine> engine;
  if (kind == "docker") {
    engine = testengines::RealDocker::Start(&error);
  } else {
    engine = testengines::RealPodman::Start(&error);
  }
  if (engine == nullptr) {
    state.SkipWithError((kind + " did not start: " + error).c_str());
    return;
  }
  // Declared after the engine so that the plugin stops before the daemon does.
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  if (host == nullptr || !host->Init(PluginConfig(kind, *engine), &error) ||
      host->EnableAsync() != SS_PLUGIN_SUCCESS) {
    state.SkipWithError(("plugin: " + error).c_str());
    return;
  }
  auto follower = std::make_unique<benchengines::HttpCreateFollower>(engine->socket());
  const auto connect_deadline = std::chrono::steady_clock::now() + kConnectPatience;
  while (Metric(*host, "n_" + kind + "_connected") != 1) {
    if (std::chrono::steady_clock::now() > connect_deadline) {
      state.SkipWithError(("plugin never connected to " + kind).c_str());
      return;
    }
    host->DeliverAsyncEvents();
    std::this_thread::sleep_for(10ms);
  }
  PluginArrivals arrivals(*host);
  UnixHttpClient api(engine->socket());
  const std::string stamp_dir = engine->dir() + "/stamps";
  if (::mkdir(stamp_dir.c_str(), 0755) != 0) {
    state.SkipWithError(("mkdir " + stamp_dir + " failed").c_str());
    return;
  }

  std::vector<Sample> samples;
  int missed_engine = 0, missed_plugin = 0, missed_stamps = 0;
  const auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    for (int i = 0; i <= n; ++i) {  // i == 0: warm-up
      Sample s;
      const std::string name = "latency-" + kind + "-" + std::to_string(i);
      if (!CreateAndStart(api, name, stamp_dir, &s, &error)) {
        state.SkipWithError((kind + ": " + error).c_str());
        break;
      }
      s.engine_create = follower->WaitFor(s.id, kEventPatience);
      s.plugin_arrival = arrivals.WaitFor(s.id, kEventPatience);
      s.first_exec = WaitForStamp(stamp_dir + "/" + name, kEventPatience);
      if (i == 0 && (!s.engine_create || !s.plugin_arrival || !s.first_exec)) {
        state.SkipWithError((kind + ": warm-up container not seen (engine stream " +
                             (s.engine_create ? "ok" : "silent: " + follower->error()) + ", plugin " +
                             (s.plugin_arrival ? "ok" : "silent") + ", stamp " +
                             (s.first_exec ? "ok" : "missing") + ")")
                                .c_str());
        break;
      }
      if (!engine->RemoveContainer(s.id)) {
        std::fprintf(stderr, "[engine_latency] %s\n", engine->last_error().c_str());
      }
      if (i == 0) continue;
      missed_engine += s.engine_create ? 0 : 1;
      missed_plugin += s.plugin_arrival ? 0 : 1;
      missed_stamps += s.first_exec ? 0 : 1;
      samples.push_back(std::move(s));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  follower.reset();
  if (samples.empty()) return;

  std::vector<double> latency_us, stream_us, margin_us, late_us, create_call_us, start_call_us;
  std::vector<double> create_to_exec_us, exec_margin_us;
  int before_start_sent = 0, before_first_exec = 0, before_start_returned = 0;
  for (const auto& s : samples) {
    create_call_us.push_back(Us(s.create_returned, s.create_sent));
    start_call_us.push_back(Us(s.start_returned, s.start_sent));
    if (s.engine_create) stream_us.push_back(Us(s.engine_create->received_ns, s.engine_create->time_nano));
    if (s.engine_create && s.plugin_arrival) {
      latency_us.push_back(Us(*s.plugin_arrival, s.engine_create->time_nano));
    }
    if (s.engine_create && s.first_exec)
      create_to_exec_us.push_back(Us(*s.first_exec, s.engine_create->time_nano));
    if (!s.plugin_arrival) continue;
    margin_us.push_back(Us(*s.plugin_arrival, s.start_sent));
    before_start_sent += *s.plugin_arrival < s.start_sent ? 1 : 0;
    if (s.first_exec) {
      exec_margin_us.push_back(Us(*s.plugin_arrival, *s.first_exec));
      before_first_exec += *s.plugin_arrival < *s.first_exec ? 1 : 0;
    }
    before_start_returned += *s.plugin_arrival < s.start_returned ? 1 : 0;
    if (*s.plugin_arrival >= s.start_returned) late_us.push_back(Us(*s.plugin_arrival, s.start_returned));
  }
  for (auto* v : {&latency_us, &stream_us, &margin_us, &late_us, &create_call_us, &start_call_us,
                  &create_to_exec_us, &exec_margin_us})
    std::sort(v->begin(), v->end());
  const double count = static_cast<double>(samples.size());
  const double frac_sent = before_start_sent / count;
  const double frac_exec = before_first_exec / count;
  const double frac_returned = before_start_returned / count;

  state.counters["containers"] = count;
  state.counters["p50_us"] = Percentile(latency_us, 50);
  state.counters["p99_us"] = Percentile(latency_us, 99);
  state.counters["max_us"] = latency_us.empty() ? 0 : latency_us.back();
  state.counters["in_time_before_start_sent"] = frac_sent;
  // The issue's figure (target >= 99%): metadata cached before the first execve.
  state.counters["before_first_exec"] = frac_exec;
  state.counters["in_time_before_start_returned"] = frac_returned;
  // Engine create event to the container's first execve (its stamp).
  state.counters["create_to_first_exec_p50_us"] = Percentile(create_to_exec_us, 50);
  state.counters["create_to_first_exec_p99_us"] = Percentile(create_to_exec_us, 99);
  // Plugin arrival minus first execve: negative means in time; p99 is the latest.
  state.counters["arrival_minus_first_exec_p50_us"] = Percentile(exec_margin_us, 50);
  state.counters["arrival_minus_first_exec_p99_us"] = Percentile(exec_margin_us, 99);
  // Plugin arrival minus start request sent: negative means in time.
  state.counters["arrival_minus_start_p50_us"] = Percentile(margin_us, 50);
  // For events after start returned, by how much: ~1 ms means the plugin's
  // inspect waited for the start to finish (dockerd and libpod both hold the
  // container's lock while starting it, and inspect takes that lock).
  state.counters["late_after_start_returned_p50_us"] = Percentile(late_us, 50);
  // The engine's own event delivery (timeNano to our follower reading it).
  state.counters["engine_stream_p50_us"] = Percentile(stream_us, 50);
  state.counters["create_call_p50_us"] = Percentile(create_call_us, 50);
  state.counters["start_call_p50_us"] = Percentile(start_call_us, 50);
  state.counters["missed_engine_events"] = missed_engine;
  state.counters["missed_plugin_events"] = missed_plugin;
  state.counters["missed_stamps"] = missed_stamps;
  // Events the plugin took from podman's events log ahead of the API stream.
  const uint64_t file_events = Metric(*host, "n_" + kind + "_file_events");
  state.counters["file_events"] = static_cast<double>(file_events);

  std::fprintf(
      stderr,
      "[engine_latency] %s: N=%zu create->plugin event p50 %.0f us, p99 %.0f us, max %.0f us; "
      "metadata before start sent %.0f%%, before first exec %.0f%%, before start returned %.0f%% "
      "(arrival-start p50 %+.0f us; arrival-first exec p50 %+.0f us, p99 %+.0f us; create->first exec "
      "p50 %.0f us, p99 %.0f us; engine stream delivery p50 %.0f us; create call p50 %.0f us, start call "
      "p50 %.0f us); missed engine/plugin/stamp %d/%d/%d; %" PRIu64 " events from the events log; %.1f s\n",
      kind.c_str(), samples.size(), Percentile(latency_us, 50), Percentile(latency_us, 99),
      latency_us.empty() ? 0.0 : latency_us.back(), 100 * frac_sent, 100 * frac_exec, 100 * frac_returned,
      Percentile(margin_us, 50), Percentile(exec_margin_us, 50), Percentile(exec_margin_us, 99),
      Percentile(create_to_exec_us, 50), Percentile(create_to_exec_us, 99), Percentile(stream_us, 50),
      Percentile(create_call_us, 50), Percentile(start_call_us, 50), missed_engine, missed_plugin,
      missed_stamps, file_events, seconds);
}

void BM_DockerCreateToPluginEvent(benchmark::State& state) {
  EngineLatency(state, "docker");
}
void BM_PodmanCreateToPluginEvent(benchmark::State& state) {
  EngineLatency(state, "podman");
}

// One pass over N real containers per engine: repetitions would only restart daemons.
BENCHMARK(BM_DockerCreateToPluginEvent)->Arg(ContainerCount())->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_PodmanCreateToPluginEvent)->Arg(ContainerCount())->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
