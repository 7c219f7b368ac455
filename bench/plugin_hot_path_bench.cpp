// The per-event cost Falco pays for the plugin: parse of an execve and field
// extraction, both through the exported plugin_* functions as libsinsp calls
// them. The host side (thread table lookups) is our test host, a hash map
// like libsinsp's, so figures include a realistic table access cost.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "alloc_counter.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"
#include "host/thread_table.h"

namespace {

constexpr const char* kId = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
constexpr int64_t kTid = 4242;

std::unique_ptr<testhost::PluginHost> ReadyHost() {
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  if (host == nullptr || !host->Init("", &error)) return nullptr;
  // libsinsp hands out pointers to its own strings; the test host's strict
  // mode (a fresh buffer per read) would add allocations that are not ours.
  host->set_strict_string_lifetime(false);
  testhost::ThreadSpec spec;
  spec.tid = spec.pid = kTid;
  spec.vpid = spec.vtid = 1;
  spec.ptid = 1;
  spec.exe = "/usr/sbin/nginx";
  // The five v1 controllers libsinsp keeps in live capture.
  for (const char* subsystem : {"cpuset", "cpu", "cpuacct", "blkio", "memory"}) {
    spec.cgroups.emplace_back(subsystem, std::string("/docker/") + kId);
  }
  host->AddThread(spec);
  std::string payload = std::string(R"({"container":{"type":0,"id":"eba371cc398f","full_id":")") + kId +
                        R"(","name":"web","image":"nginx:1.25","labels":{"app":"web",)"
                        R"("io.kubernetes.container.name":"web","io.kubernetes.pod.name":"web-7d4b9c",)"
                        R"("io.kubernetes.pod.namespace":"prod","io.kubernetes.pod.uid":"0f5c2e4a-1b7d",)"
                        R"("io.kubernetes.sandbox.id":"a0c1e2d3b4a5968778695a4b3c2d1e0f"}}})";
  host->Parse(testhost::events::AsyncEvent("container", payload + std::string(1, '\0')));
  host->Parse(testhost::events::ExecveExit(kTid, 0));
  return host;
}

void ReportAllocations(benchmark::State& state, uint64_t before) {
  state.counters["allocs_per_iter"] = benchmark::Counter(static_cast<double>(g_allocations.load() - before) /
                                                         static_cast<double>(state.iterations()));
}

void BM_ParseExecveCacheHit(benchmark::State& state) {
  auto host = ReadyHost();
  if (host == nullptr) {
    state.SkipWithError("plugin did not load");
    return;
  }
  const auto event = testhost::events::ExecveExit(kTid, 0);
  auto input = host->ParseInput();
  ss_plugin_event_input evt{reinterpret_cast<const ss_plugin_event*>(event.data()), 0, "syscall"};
  // Warm: the first parse of this shape sizes every reused buffer.
  evt.evtnum = host->NextEvtnum();
  host->api().parse_event(host->plugin_state(), &evt, &input);
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    evt.evtnum = host->NextEvtnum();
    benchmark::DoNotOptimize(host->api().parse_event(host->plugin_state(), &evt, &input));
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_ParseExecveCacheHit);

// One field per call on a new event each time: the thread lookup is paid on
// every iteration, as for the first container field of each event in Falco.
void ExtractBenchmark(benchmark::State& state, const char* field, bool new_event_each_time) {
  auto host = ReadyHost();
  if (host == nullptr) {
    state.SkipWithError("plugin did not load");
    return;
  }
  const auto event = testhost::events::OpenExit(kTid);
  auto request = host->MakeExtractField(field);
  if (!request) {
    state.SkipWithError("unknown field");
    return;
  }
  auto input = host->ExtractInput(&*request, 1);
  ss_plugin_event_input evt{reinterpret_cast<const ss_plugin_event*>(event.data()), host->NextEvtnum(),
                            "syscall"};
  host->api().extract_fields(host->plugin_state(), &evt, &input);
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    if (new_event_each_time) evt.evtnum = host->NextEvtnum();
    benchmark::DoNotOptimize(host->api().extract_fields(host->plugin_state(), &evt, &input));
  }
  if (request->res_len != 1) state.SkipWithError("field was not extracted");
  ReportAllocations(state, before);
}

// What any plugin pays the host to read one thread field (lookup, read,
// release): the floor under BM_ExtractContainerName.
void BM_HostThreadFieldReadBaseline(benchmark::State& state) {
  auto host = ReadyHost();
  if (host == nullptr) {
    state.SkipWithError("plugin did not load");
    return;
  }
  auto* vtables = testhost::TableVtables();
  auto* table = static_cast<testhost::HostTable*>(&host->threads_table());
  auto* field = vtables->fields_ext.get_table_field(table, "container_id", SS_PLUGIN_ST_STRING);
  ss_plugin_state_data key;
  key.s64 = kTid;
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto* entry = vtables->reader_ext.get_table_entry(table, &key);
    ss_plugin_state_data out;
    vtables->reader_ext.read_entry_field(table, entry, field, &out);
    benchmark::DoNotOptimize(out.str);
    vtables->reader_ext.release_table_entry(table, entry);
  }
  ReportAllocations(state, before);
}
BENCHMARK(BM_HostThreadFieldReadBaseline);

void BM_ExtractContainerName(benchmark::State& state) {
  ExtractBenchmark(state, "container.name", true);
}
BENCHMARK(BM_ExtractContainerName);

void BM_ExtractContainerNameSameEvent(benchmark::State& state) {
  ExtractBenchmark(state, "container.name", false);
}
BENCHMARK(BM_ExtractContainerNameSameEvent);

void BM_ExtractContainerLabel(benchmark::State& state) {
  ExtractBenchmark(state, "container.labels", true);
}
BENCHMARK(BM_ExtractContainerLabel);

// One label by key among kubelet's, as k8s.ns.name reads it.
void BM_ExtractK8sNamespace(benchmark::State& state) {
  ExtractBenchmark(state, "k8s.ns.name", true);
}
BENCHMARK(BM_ExtractK8sNamespace);

}  // namespace
