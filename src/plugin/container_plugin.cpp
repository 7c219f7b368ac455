#include "plugin/container_plugin.h"

#include <chrono>
#include <stdexcept>

#include "core/container_json.h"
#include "core/container_merge.h"
#include "core/event_codec.h"
#include "core/field_table.h"
#include "engines/engine_factory.h"
#include "engines/initial_listing.h"

namespace libcontainer {
namespace {

// Counters have a single writer (the event thread); a relaxed load+store is
// a plain move, unlike fetch_add.
void Bump(std::atomic<uint64_t>& counter, uint64_t by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

bool IsNewProcessEvent(uint16_t type) {
  using namespace event_type;
  return type == kCloneExit || type == kForkExit || type == kVforkExit || type == kClone3Exit;
}

bool IsExecEvent(uint16_t type) {
  using namespace event_type;
  return type == kExecve16Exit || type == kExecve17Exit || type == kExecve18Exit || type == kExecve19Exit ||
         type == kExecveatExit || type == kChrootExit;
}

bool IsContainerEventType(uint16_t type) {
  using namespace event_type;
  return type == kAsyncEvent || type == kContainer || type == kContainerJson || type == kContainerJson2;
}

bool HasProbes(const ContainerInfo& info) {
  return info.healthcheck.has_value() || info.liveness_probe.has_value() || info.readiness_probe.has_value();
}

// Bounds the ids remembered as asked for: container churn must not grow it.
constexpr size_t kMaxUnknownIds = 4096;

// Walking further up than this is a loop in a corrupt table, not a real tree.
constexpr int kMaxAncestorWalk = 64;

// Per engine, n_<engine>_<stat> in this order (Metrics() fills them so); the
// first is a gauge.
constexpr const char* kEngineStats[] = {"connected", "events",          "inspect_errors", "reconnects",
                                        "lookups",   "lookup_failures", "file_events"};
constexpr size_t kEngineStatCount = sizeof(kEngineStats) / sizeof(kEngineStats[0]);

std::shared_ptr<ContainerInfo> StaticContainer(const StaticContainerConfig& config) {
  auto info = std::make_shared<ContainerInfo>();
  info->type = ContainerType::kStatic;
  info->full_id = config.container_id;
  info->id = std::string(ShortId(config.container_id));
  info->name = config.container_name;
  info->image = config.container_image;
  auto ref = ParseImageReference(info->image);
  info->image_repo = ref.repository;
  info->image_tag = ref.tag;
  info->image_digest = ref.digest;
  return info;
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
      containers_table_(cache_),
      matcher_(MatcherOptions{config_.lxc, config_.libvirt_lxc, config_.bpm}),
      match_cache_(matcher_, config_.cgroup_cache_size),
      sink_(emitter_) {
  if (input.tables == nullptr) throw std::runtime_error("host offers no state tables");
  threads_.Init(*input.tables, input.owner);
  if (input.tables->add_table == nullptr ||
      input.tables->add_table(input.owner, &containers_table_.input()) != SS_PLUGIN_SUCCESS) {
    throw std::runtime_error("cannot register the 'containers' table");
  }
  if (config_.static_container.enabled) {
    static_container_ = StaticContainer(config_.static_container);
    cache_.Upsert(static_container_);
    counters_.containers.store(cache_.size(), std::memory_order_relaxed);
  }
  id_buffer_.reserve(128);

  metrics_ = {
      {"n_containers", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_missing_container_images", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_cgroup_cache_hits", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_cgroup_cache_misses", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_container_lookups_hit", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_container_lookups_miss", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_unknown_container_ids", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_malformed_events", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
      {"n_async_events_emitted", SS_PLUGIN_METRIC_TYPE_MONOTONIC, {}, SS_PLUGIN_METRIC_VALUE_TYPE_U64},
  };

  // Built now so that config mistakes fail init; started with the async handler.
  engines_ = CreateEngines(config_, HostRootFromEnvironment(), logger_);
  for (const auto& engine : engines_) {
    for (const char* stat : kEngineStats)
      engine_metric_names_.push_back("n_" + std::string(engine->name()) + "_" + stat);
  }
  for (size_t i = 0; i < engine_metric_names_.size(); ++i) {
    const bool gauge = i % kEngineStatCount == 0;
    metrics_.push_back({engine_metric_names_[i].c_str(),
                        gauge ? SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC : SS_PLUGIN_METRIC_TYPE_MONOTONIC,
                        {},
                        SS_PLUGIN_METRIC_VALUE_TYPE_U64});
  }

  std::string engines = "cgroup-only engines:";
  if (config_.lxc) engines += " lxc";
  if (config_.libvirt_lxc) engines += " libvirt_lxc";
  if (config_.bpm) engines += " bpm";
  if (config_.static_container.enabled) engines += " static(" + static_container_->id + ")";
  logger_.Info(engines);
}

ContainerPlugin::~ContainerPlugin() {
  StopEngines();
}

ss_plugin_rc ContainerPlugin::SetAsyncEventHandler(ss_plugin_owner_t* owner,
                                                   ss_plugin_async_event_handler_t handler) {
  if (handler == nullptr) {
    // Watchers must be quiet before the handler goes away.
    StopEngines();
    emitter_.SetHandler(owner, nullptr);
    return SS_PLUGIN_SUCCESS;
  }
  emitter_.SetHandler(owner, handler);
  if (static_container_ != nullptr) emitter_.Emit(kContainerEventName, ContainerToJson(*static_container_));
  StartEngines();
  return SS_PLUGIN_SUCCESS;
}

void ContainerPlugin::StartEngines() {
  if (engines_running_) return;
  for (auto& engine : engines_) engine->Start(sink_);
  engines_running_ = true;
}

void ContainerPlugin::StopEngines() {
  if (!engines_running_) return;
  for (auto& engine : engines_) engine->Stop();
  engines_running_ = false;
}

ss_plugin_rc ContainerPlugin::ParseEvent(const ss_plugin_event_input& event,
                                         const ss_plugin_event_parse_input& input) {
  // Parsing may change threads and the cache: forget what extraction resolved.
  resolved_.valid = false;
  auto view = EventView::Parse(event.evt);
  if (!view) {
    Bump(counters_.malformed_events);
    return SS_PLUGIN_SUCCESS;
  }
  const Reader& r = *input.table_reader_ext;
  const Writer& w = *input.table_writer_ext;
  const uint16_t type = view->type();
  if (IsNewProcessEvent(type) || IsExecEvent(type)) {
    auto res = view->ParamInt64(0);
    if (!res || *res < 0) return SS_PLUGIN_SUCCESS;
    TagThreadById(r, w, static_cast<int64_t>(view->tid()));
    // The parent's exit already names the child, which the host has added:
    // tag it now rather than wait for an exit event of its own that may be dropped.
    if (IsNewProcessEvent(type) && *res > 0) TagThreadById(r, w, *res);
    counters_.cgroup_cache_hits.store(match_cache_.hits(), std::memory_order_relaxed);
    counters_.cgroup_cache_misses.store(match_cache_.misses(), std::memory_order_relaxed);
    return SS_PLUGIN_SUCCESS;
  }
  switch (type) {
    case event_type::kProcExit:
      OnProcExit(r, static_cast<int64_t>(view->tid()));
      break;
    case event_type::kAsyncEvent: {
      auto name = view->ParamString(1);
      auto data = view->ParamString(2);
      if (!name || !data) {
        Bump(counters_.malformed_events);
        break;
      }
      if (*name == kContainerEventName) OnContainerEvent(event.evtnum, *data, false);
      if (*name == kContainerRemovedEventName) OnContainerEvent(event.evtnum, *data, true);
      break;
    }
    case event_type::kContainer: {
      auto id = view->ParamString(0);
      auto ctype = view->ParamUint32(1);
      auto name = view->ParamString(2);
      auto image = view->ParamString(3);
      if (!id || id->empty()) {
        Bump(counters_.malformed_events);
        break;
      }
      auto info = std::make_shared<ContainerInfo>();
      info->full_id = std::string(*id);
      info->id = std::string(ShortId(*id));
      info->type = ContainerTypeFromWire(ctype.value_or(static_cast<uint32_t>(ContainerType::kUnknown)));
      info->name = std::string(name.value_or(""));
      info->image = std::string(image.value_or(""));
      auto ref = ParseImageReference(info->image);
      info->image_repo = ref.repository;
      info->image_tag = ref.tag;
      info->image_digest = ref.digest;
      Store(event.evtnum, std::move(info), false);
      break;
    }
    case event_type::kContainerJson:
    case event_type::kContainerJson2: {
      auto json = view->ParamString(0);
      if (json && !json->empty()) OnContainerEvent(event.evtnum, *json, false);
      break;
    }
    default:
      break;
  }
  return SS_PLUGIN_SUCCESS;
}

void ContainerPlugin::TagThreadById(const Reader& r, const Writer& w, int64_t tid) {
  auto* entry = threads_.Get(r, tid);
  if (entry == nullptr) return;
  TagThread(r, w, entry);
  threads_.Release(r, entry);
}

bool ContainerPlugin::TagThread(const Reader& r, const Writer& w, ss_plugin_table_entry_t* entry) {
  const CgroupMatch* match = nullptr;
  if (static_container_ != nullptr) {
    id_buffer_.assign(static_container_->id);
  } else {
    const bool readable = threads_.VisitCgroups(r, entry, [&](std::string_view path) {
      match = match_cache_.Lookup(path);
      return match != nullptr;
    });
    // Keep whatever the thread had rather than call it a host process.
    if (!readable) return false;
    if (match != nullptr) {
      id_buffer_.assign(match->id);
    } else {
      id_buffer_.clear();
    }
  }
  if (!threads_.SetContainerId(w, entry, id_buffer_.c_str())) return false;
  if (id_buffer_.empty())
    return threads_.SetCategory(w, entry, static_cast<uint16_t>(ProcessCategory::kNone));
  const ContainerInfo* info = cache_.Find(id_buffer_);
  if (info == nullptr && match != nullptr) {
    if (match->metadata_from_cgroup) {
      AddCgroupOnlyContainer(*match);
      info = cache_.Find(id_buffer_);
    } else {
      // Forgetting old asks keeps the set bounded under churn without ever
      // stopping to ask about new containers.
      if (unknown_ids_.size() >= kMaxUnknownIds) unknown_ids_.clear();
      // Until an engine answers only container.id works; asked once per id,
      // the engines retry on their side.
      if (unknown_ids_.insert(id_buffer_).second) {
        Bump(counters_.unknown_ids);
        if (engines_running_) {
          for (auto& engine : engines_) engine->RequestLookup(match->full_id);
        }
      }
    }
  }
  return threads_.SetCategory(w, entry, static_cast<uint16_t>(Categorize(r, entry, info)));
}

ProcessCategory ContainerPlugin::Categorize(const Reader& r, ss_plugin_table_entry_t* entry,
                                            const ContainerInfo* info) {
  ProcessFacts facts{};
  facts.vpid = threads_.Vpid(r, entry).value_or(0);
  facts.parent_category = ProcessCategory::kNone;
  facts.own_category = static_cast<ProcessCategory>(threads_.Category(r, entry).value_or(0));
  facts.args = &args_buffer_;
  args_buffer_.clear();
  if (facts.vpid == 1 || facts.own_category != ProcessCategory::kNone) return ClassifyProcess(facts, info);
  const int64_t ptid = threads_.Ptid(r, entry).value_or(0);
  if (auto* parent = ptid > 0 ? threads_.Get(r, ptid) : nullptr; parent != nullptr) {
    facts.parent_category = static_cast<ProcessCategory>(threads_.Category(r, parent).value_or(0));
    threads_.Release(r, parent);
  }
  if (facts.parent_category != ProcessCategory::kNone) return ClassifyProcess(facts, info);
  // Rare from here on: a container process whose parent is not categorised,
  // typically one exec'd into the container from outside (runc exec).
  int64_t ancestor_tid = ptid;
  for (int depth = 0; ancestor_tid > 0 && depth < kMaxAncestorWalk && !facts.has_container_init_ancestor;
       ++depth) {
    auto* ancestor = threads_.Get(r, ancestor_tid);
    if (ancestor == nullptr) break;
    auto id = threads_.ContainerId(r, ancestor);
    facts.has_container_init_ancestor = threads_.Vpid(r, ancestor).value_or(0) == 1 && id && !id->empty();
    ancestor_tid = threads_.Ptid(r, ancestor).value_or(0);
    threads_.Release(r, ancestor);
  }
  // The command line is only needed to compare it with the container's probes.
  if (info != nullptr && HasProbes(*info) && threads_.has_exe_and_args()) {
    facts.exe = threads_.Exe(r, entry).value_or("");
    threads_.Args(r, entry, &args_buffer_);
  }
  return ClassifyProcess(facts, info);
}

void ContainerPlugin::AddCgroupOnlyContainer(const CgroupMatch& match) {
  auto info = std::make_shared<ContainerInfo>();
  info->type = match.type;
  info->id = std::string(match.id);
  info->full_id = std::string(match.full_id);
  info->name = info->id;
  // Cached right away so that the next process of the container neither
  // waits for the event round trip nor emits a second event.
  if (cache_.Upsert(info)) counters_.containers.store(cache_.size(), std::memory_order_relaxed);
  emitter_.Emit(kContainerEventName, ContainerToJson(*info));
}

void ContainerPlugin::OnProcExit(const Reader& r, int64_t tid) {
  if (!emitter_.live()) return;
  auto* entry = threads_.Get(r, tid);
  if (entry == nullptr) return;
  const bool is_init = threads_.Vpid(r, entry).value_or(0) == 1 && threads_.Vtid(r, entry).value_or(0) == 1;
  std::shared_ptr<const ContainerInfo> info;
  if (is_init) {
    if (auto id = threads_.ContainerId(r, entry); id && !id->empty()) info = cache_.Get(*id);
  }
  threads_.Release(r, entry);
  if (info != nullptr) emitter_.Emit(kContainerRemovedEventName, ContainerToJson(*info));
}

void ContainerPlugin::OnContainerEvent(uint64_t evtnum, std::string_view json, bool removed) {
  auto info = std::make_shared<ContainerInfo>();
  std::string error;
  if (!ContainerFromJson(json, info.get(), &error)) {
    Bump(counters_.malformed_events);
    logger_.Warning("skipping malformed container event: " + error);
    return;
  }
  if (info->id.empty() && !info->full_id.empty()) info->id = std::string(ShortId(info->full_id));
  if (info->id.empty()) {
    Bump(counters_.malformed_events);
    logger_.Warning("skipping container event without an id");
    return;
  }
  Store(evtnum, std::move(info), removed);
}

void ContainerPlugin::Store(uint64_t evtnum, std::shared_ptr<const ContainerInfo> info, bool removed) {
  last_container_evtnum_ = evtnum;
  if (removed) {
    cache_.Erase(info->id);
  } else {
    unknown_ids_.erase(info->id);
    if (const auto* cached = cache_.Find(info->id); cached != nullptr && cached != info.get()) {
      info = std::make_shared<const ContainerInfo>(MergeContainerRecords(*cached, *info));
    }
    if (info->image.empty() && !info->is_pod_sandbox) Bump(counters_.missing_images);
    cache_.Upsert(info);
  }
  last_container_ = std::move(info);
  counters_.containers.store(cache_.size(), std::memory_order_relaxed);
}

bool ContainerPlugin::Resolve(const ss_plugin_event_input& event, const EventView& view, const Reader& r,
                              bool need_facts) {
  if (!resolved_.valid || resolved_.evtnum != event.evtnum) {
    resolved_.valid = true;
    resolved_.evtnum = event.evtnum;
    resolved_.facts_read = false;
    resolved_.info = nullptr;
    resolved_.thread_found = false;
    resolved_.container_id.clear();
    if (IsContainerEventType(view.type()) && last_container_ != nullptr &&
        event.evtnum == last_container_evtnum_) {
      resolved_.info = last_container_.get();
      resolved_.thread_found = true;
      resolved_.container_id.assign(resolved_.info->id);
      resolved_.facts_read = true;
      resolved_.pidns_init_start_ts = 0;
      resolved_.category = ProcessCategory::kNone;
      return true;
    }
    auto* entry = threads_.Get(r, static_cast<int64_t>(view.tid()));
    if (entry == nullptr) return false;
    resolved_.thread_found = true;
    if (auto id = threads_.ContainerId(r, entry)) resolved_.container_id.assign(*id);
    if (need_facts) {
      resolved_.pidns_init_start_ts = threads_.PidnsInitStartTs(r, entry);
      resolved_.category = static_cast<ProcessCategory>(threads_.Category(r, entry).value_or(0));
      resolved_.facts_read = true;
    }
    threads_.Release(r, entry);
    resolved_.info = cache_.Find(resolved_.container_id);
    Bump(resolved_.info != nullptr ? counters_.lookups_hit : counters_.lookups_miss);
    return true;
  }
  if (!resolved_.thread_found) return false;
  if (need_facts && !resolved_.facts_read) {
    auto* entry = threads_.Get(r, static_cast<int64_t>(view.tid()));
    if (entry == nullptr) return false;
    resolved_.pidns_init_start_ts = threads_.PidnsInitStartTs(r, entry);
    resolved_.category = static_cast<ProcessCategory>(threads_.Category(r, entry).value_or(0));
    resolved_.facts_read = true;
    threads_.Release(r, entry);
  }
  return true;
}

ss_plugin_rc ContainerPlugin::ExtractFields(const ss_plugin_event_input& event,
                                            const ss_plugin_field_extract_input& input) {
  auto view = EventView::Parse(event.evt);
  if (!view || input.table_reader_ext == nullptr) return SS_PLUGIN_FAILURE;
  const auto& table = FieldTable();
  bool need_facts = false;
  for (uint32_t i = 0; i < input.num_fields; ++i) {
    const auto id = input.fields[i].field_id;
    if (id >= table.size()) return SS_PLUGIN_FAILURE;
    const auto field = static_cast<FieldId>(id);
    need_facts |= field == FieldId::kContainerStartTs || field == FieldId::kContainerDuration ||
                  field == FieldId::kProcIsContainerHealthcheck ||
                  field == FieldId::kProcIsContainerLivenessProbe ||
                  field == FieldId::kProcIsContainerReadinessProbe;
  }
  if (!Resolve(event, *view, *input.table_reader_ext, need_facts)) return SS_PLUGIN_FAILURE;

  if (scratch_.size() < input.num_fields) {
    scratch_.resize(input.num_fields);
    str_results_.resize(input.num_fields);
    u64_results_.resize(input.num_fields);
    bool_results_.resize(input.num_fields);
  }
  ThreadFacts facts;
  facts.container_id = resolved_.container_id;
  facts.pidns_init_start_ts = resolved_.pidns_init_start_ts;
  facts.category = resolved_.category;
  facts.event_ts = view->ts();
  for (uint32_t i = 0; i < input.num_fields; ++i) {
    auto& out = input.fields[i];
    ExtractRequest request{static_cast<FieldId>(out.field_id),
                           out.arg_key == nullptr ? std::string_view() : std::string_view(out.arg_key),
                           out.arg_index, out.arg_present != 0};
    const FieldValue value = ExtractField(request, facts, resolved_.info, cache_, scratch_[i]);
    out.res_len = 0;
    if (!value.present) continue;
    switch (table[out.field_id].type) {
      case FieldType::kString:
        str_results_[i] = value.str.data();
        out.res.str = &str_results_[i];
        break;
      case FieldType::kBool:
        bool_results_[i] = value.u64 != 0 ? 1 : 0;
        out.res.boolean = &bool_results_[i];
        break;
      default:
        u64_results_[i] = value.u64;
        out.res.u64 = &u64_results_[i];
        break;
    }
    out.res_len = 1;
  }
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ContainerPlugin::CaptureOpen(const ss_plugin_capture_listen_input& input) {
  if (input.table_reader_ext == nullptr || input.table_writer_ext == nullptr) return SS_PLUGIN_FAILURE;
  struct State {
    ContainerPlugin* self = nullptr;
    const Reader* r = nullptr;
    const Writer* w = nullptr;
    uint64_t tagged = 0;
    uint64_t failed = 0;
  } state{this, input.table_reader_ext, input.table_writer_ext};
  resolved_.valid = false;
  if (engines_running_) AwaitInitialListings();
  input.table_reader_ext->iterate_entries(
      threads_.table(),
      [](ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* entry) -> ss_plugin_bool {
        auto* st = static_cast<State*>(s);
        // One bad thread must not stop the others: keep iterating.
        bool ok = false;
        try {
          ok = st->self->TagThread(*st->r, *st->w, entry);
        } catch (const std::exception&) {
        }
        ++(ok ? st->tagged : st->failed);
        return 1;
      },
      &state);
  logger_.Info("capture open: tagged " + std::to_string(state.tagged) + " threads, " +
               std::to_string(state.failed) + " failed, " + std::to_string(cache_.size()) +
               " containers known");
  return SS_PLUGIN_SUCCESS;
}

void ContainerPlugin::AwaitInitialListings() {
  const auto start = std::chrono::steady_clock::now();
  const auto still_listing = WaitForInitialListings(engines_, std::chrono::seconds(config_.engine_timeout_s));
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (still_listing.empty()) {
    logger_.Info("capture open: engines listed their containers in " + std::to_string(waited.count()) +
                 " ms");
    return;
  }
  std::string names;
  for (const auto& name : still_listing) names += (names.empty() ? "" : ", ") + name;
  logger_.Warning("capture open: " + names + " still listing containers after engine_timeout (" +
                  std::to_string(config_.engine_timeout_s) +
                  " s); going on, their containers are reported as the listing proceeds");
}

ss_plugin_rc ContainerPlugin::DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler) {
  if (handler == nullptr) return SS_PLUGIN_FAILURE;
  // Dumped events carry tid 1 like the reference's, so capture tools show them.
  constexpr uint64_t kDumpTid = 1;
  bool ok = true;
  cache_.ForEach([&](const ContainerInfo& info) {
    ok &= AsyncEmitter::EmitTo(owner, handler, kContainerEventName, ContainerToJson(info), kDumpTid, logger_);
  });
  return ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
}

ss_plugin_metric* ContainerPlugin::Metrics(uint32_t* count) {
  const uint64_t values[] = {
      counters_.containers.load(std::memory_order_relaxed),
      counters_.missing_images.load(std::memory_order_relaxed),
      counters_.cgroup_cache_hits.load(std::memory_order_relaxed),
      counters_.cgroup_cache_misses.load(std::memory_order_relaxed),
      counters_.lookups_hit.load(std::memory_order_relaxed),
      counters_.lookups_miss.load(std::memory_order_relaxed),
      counters_.unknown_ids.load(std::memory_order_relaxed),
      counters_.malformed_events.load(std::memory_order_relaxed),
      emitter_.emitted(),
  };
  constexpr size_t kCoreMetrics = sizeof(values) / sizeof(values[0]);
  for (size_t i = 0; i < kCoreMetrics; ++i) metrics_[i].value.u64 = values[i];
  size_t next = kCoreMetrics;
  for (const auto& engine : engines_) {
    const auto stats = engine->stats();
    const uint64_t values_of_engine[] = {uint64_t{stats.connected}, stats.events,  stats.inspect_errors,
                                         stats.reconnects,          stats.lookups, stats.lookup_failures,
                                         stats.file_events};
    static_assert(sizeof(values_of_engine) / sizeof(values_of_engine[0]) == kEngineStatCount);
    for (uint64_t value : values_of_engine) metrics_[next++].value.u64 = value;
  }
  *count = static_cast<uint32_t>(metrics_.size());
  return metrics_.data();
}

}  // namespace libcontainer
