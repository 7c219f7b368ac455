#include "plugin/container_plugin.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/container_json.h"
#include "core/event_codec.h"
#include "engines/engine_factory.h"
#include "plugin/container_events.h"

namespace libcontainer {
namespace {

bool IsNewProcessEvent(uint16_t type) {
  using namespace event_type;
  return type == kCloneExit || type == kForkExit || type == kVforkExit || type == kClone3Exit;
}

bool IsExecEvent(uint16_t type) {
  using namespace event_type;
  return type == kExecve16Exit || type == kExecve17Exit || type == kExecve18Exit || type == kExecve19Exit ||
         type == kExecveatExit || type == kChrootExit;
}

}  // namespace

const std::vector<uint16_t>& ContainerPlugin::ParseEventTypes() {
  using namespace event_type;
  static const std::vector<uint16_t> types = {
      kAsyncEvent,   kContainer,    kContainerJson, kContainerJson2, kCloneExit,
      kForkExit,     kVforkExit,    kClone3Exit,    kExecve16Exit,   kExecve17Exit,
      kExecve18Exit, kExecve19Exit, kExecveatExit,  kChrootExit,     kProcExit,
  };
  return types;
}

ContainerPlugin::ContainerPlugin(const ss_plugin_init_input& input)
    : config_(ParsePluginConfig(input.config == nullptr ? "" : input.config)),
      logger_(input.owner, input.log_fn, config_.log_level),
      emitter_(logger_),
      threads_(input),
      store_(config_.static_container),
      containers_table_(store_.cache()),
      sink_(emitter_, logger_),
      // Built now so that config mistakes fail init; started with the async handler.
      engines_(CreateEngines(config_, HostRootFromEnvironment(), logger_), logger_),
      tagger_(threads_, store_, engines_, emitter_,
              MatcherOptions{config_.lxc, config_.libvirt_lxc, config_.bpm}, config_.cgroup_cache_size),
      resolver_(threads_, store_) {
  if (input.tables->add_table == nullptr ||
      input.tables->add_table(input.owner, &containers_table_.input()) != SS_PLUGIN_SUCCESS) {
    throw std::runtime_error("cannot register the 'containers' table");
  }
  AddMetrics();

  std::string engines = "cgroup-only engines:";
  if (config_.lxc) engines += " lxc";
  if (config_.libvirt_lxc) engines += " libvirt_lxc";
  if (config_.bpm) engines += " bpm";
  if (const auto* container = store_.static_container(); container != nullptr)
    engines += " static(" + container->id + ")";
  logger_.Info(engines);
}

// The core rows, then n_<engine>_<stat> per engine: the order Falco lists them in.
void ContainerPlugin::AddMetrics() {
  constexpr auto kGauge = SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC;
  constexpr auto kCounter = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
  for (auto& row : std::vector<MetricsTable::Row>{
           {"n_containers", kGauge, [this] { return store_.containers(); }},
           {"n_missing_container_images", kCounter, [this] { return store_.missing_images(); }},
           {"n_cgroup_cache_hits", kCounter, [this] { return tagger_.cgroup_cache_hits(); }},
           {"n_cgroup_cache_misses", kCounter, [this] { return tagger_.cgroup_cache_misses(); }},
           {"n_container_lookups_hit", kCounter, [this] { return resolver_.lookups_hit(); }},
           {"n_container_lookups_miss", kCounter, [this] { return resolver_.lookups_miss(); }},
           {"n_unknown_container_ids", kCounter, [this] { return store_.unknown_ids(); }},
           {"n_unknown_container_ids_pending", kGauge, [this] { return store_.pending_unknown_ids(); }},
           {"n_malformed_events", kCounter, [this] { return malformed_events_.value(); }},
           {"n_async_events_emitted", kCounter, [this] { return emitter_.emitted(); }},
       }) {
    metrics_.Add(std::move(row));
  }
  engines_.AddMetrics(metrics_);
}

ss_plugin_rc ContainerPlugin::SetAsyncEventHandler(ss_plugin_owner_t* owner,
                                                   ss_plugin_async_event_handler_t handler) {
  if (handler == nullptr) {
    // Watchers must be quiet before the handler goes away.
    engines_.Stop();
    emitter_.SetHandler(owner, nullptr);
    return SS_PLUGIN_SUCCESS;
  }
  emitter_.SetHandler(owner, handler);
  if (const auto* container = store_.static_container(); container != nullptr)
    emitter_.Emit(kContainerEventName, ContainerToJson(*container));
  engines_.Start(sink_);
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ContainerPlugin::ParseEvent(const ss_plugin_event_input& event,
                                         const ss_plugin_event_parse_input& input) {
  resolver_.Invalidate();
  auto view = EventView::Parse(event.evt);
  if (!view) {
    malformed_events_.Add();
    return SS_PLUGIN_SUCCESS;
  }
  const uint16_t type = view->type();
  if (IsNewProcessEvent(type) || IsExecEvent(type)) {
    auto res = view->ParamInt64(0);
    if (!res || *res < 0) return SS_PLUGIN_SUCCESS;
    tagger_.TagEventThreads(*input.table_reader_ext, *input.table_writer_ext,
                            static_cast<int64_t>(view->tid()), IsNewProcessEvent(type) ? *res : 0);
  } else if (type == event_type::kProcExit) {
    OnProcExit(*input.table_reader_ext, static_cast<int64_t>(view->tid()));
  } else if (IsContainerEventType(type)) {
    ParseContainerEvent(event.evtnum, *view);
  }
  return SS_PLUGIN_SUCCESS;
}

void ContainerPlugin::ParseContainerEvent(uint64_t evtnum, const EventView& view) {
  auto decoded = DecodeContainerEvent(view);
  switch (decoded.outcome) {
    case DecodedContainerEvent::Outcome::kIgnored:
      break;
    case DecodedContainerEvent::Outcome::kMalformed:
      malformed_events_.Add();
      if (!decoded.warning.empty()) logger_.Warning(decoded.warning);
      break;
    case DecodedContainerEvent::Outcome::kContainer:
      store_.Store(evtnum, std::move(decoded.info), decoded.removed);
      break;
  }
}

void ContainerPlugin::OnProcExit(const ThreadTable::Reader& r, int64_t tid) {
  // Without a handler there is nobody to tell: spare the table reads.
  if (!emitter_.live()) return;
  if (auto info = tagger_.ContainerOfInit(r, tid))
    emitter_.Emit(kContainerRemovedEventName, ContainerToJson(*info));
}

ss_plugin_rc ContainerPlugin::CaptureOpen(const ss_plugin_capture_listen_input& input) {
  if (input.table_reader_ext == nullptr || input.table_writer_ext == nullptr) return SS_PLUGIN_FAILURE;
  resolver_.Invalidate();
  if (engines_.running()) engines_.AwaitInitialListings(std::chrono::seconds(config_.engine_timeout_s));
  const auto result = tagger_.TagAll(*input.table_reader_ext, *input.table_writer_ext);
  logger_.Info("capture open: tagged " + std::to_string(result.tagged) + " threads, " +
               std::to_string(result.failed) + " failed, " + std::to_string(store_.cache().size()) +
               " containers known");
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ContainerPlugin::DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler) {
  if (handler == nullptr) return SS_PLUGIN_FAILURE;
  // Dumped events carry tid 1 like the reference's, so capture tools show them.
  constexpr uint64_t kDumpTid = 1;
  bool ok = true;
  store_.cache().ForEach([&](const ContainerInfo& info) {
    ok &= AsyncEmitter::EmitTo(owner, handler, kContainerEventName, ContainerToJson(info), kDumpTid, logger_);
  });
  return ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
}

}  // namespace libcontainer
