#include "plugin/thread_tagger.h"

#include <exception>

#include "core/container_json.h"

namespace libcontainer {
namespace {

bool HasProbes(const ContainerInfo& info) {
  return info.healthcheck.has_value() || info.liveness_probe.has_value() || info.readiness_probe.has_value();
}

}  // namespace

ThreadTagger::ThreadTagger(const ThreadTable& threads, ContainerStore& store, EngineSet& engines,
                           AsyncEmitter& emitter, const MatcherOptions& options, size_t cgroup_cache_size)
    : threads_(threads),
      store_(store),
      engines_(engines),
      emitter_(emitter),
      matcher_(options),
      match_cache_(matcher_, cgroup_cache_size) {
  id_buffer_.reserve(128);
}

void ThreadTagger::TagEventThreads(const Reader& r, const Writer& w, int64_t tid, int64_t child_tid) {
  TagById(r, w, tid);
  if (child_tid > 0) TagById(r, w, child_tid);
  cache_hits_.Set(match_cache_.hits());
  cache_misses_.Set(match_cache_.misses());
}

void ThreadTagger::TagById(const Reader& r, const Writer& w, int64_t tid) {
  if (auto entry = threads_.Get(r, tid)) Tag(r, w, entry.get());
}

bool ThreadTagger::Tag(const Reader& r, const Writer& w, ss_plugin_table_entry_t* entry) {
  const CgroupMatch* match = nullptr;
  if (const auto* static_container = store_.static_container(); static_container != nullptr) {
    id_buffer_.assign(static_container->id);
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
  const ContainerInfo* info = store_.Find(id_buffer_);
  if (info == nullptr && match != nullptr) {
    if (match->metadata_from_cgroup) {
      auto added = store_.AddFromCgroup(*match);
      emitter_.Emit(kContainerEventName, ContainerToJson(*added));
      info = added.get();
    } else if (store_.NoteUnknownId(id_buffer_)) {
      // Until an engine answers only container.id works; asked once per id,
      // the engines retry on their side.
      engines_.RequestLookup(match->full_id);
    }
  }
  return threads_.SetCategory(w, entry, static_cast<uint16_t>(Categorize(r, entry, info)));
}

ProcessCategory ThreadTagger::Categorize(const Reader& r, ss_plugin_table_entry_t* entry,
                                         const ContainerInfo* info) {
  ProcessFacts facts{};
  facts.vpid = threads_.Vpid(r, entry).value_or(0);
  facts.parent_category = ProcessCategory::kNone;
  facts.own_category = static_cast<ProcessCategory>(threads_.Category(r, entry).value_or(0));
  facts.args = &args_buffer_;
  args_buffer_.clear();
  if (facts.vpid == 1 || facts.own_category != ProcessCategory::kNone) return ClassifyProcess(facts, info);
  const int64_t ptid = threads_.Ptid(r, entry).value_or(0);
  if (auto parent = ptid > 0 ? threads_.Get(r, ptid) : TableEntry()) {
    facts.parent_category = static_cast<ProcessCategory>(threads_.Category(r, parent.get()).value_or(0));
  }
  if (facts.parent_category != ProcessCategory::kNone) return ClassifyProcess(facts, info);
  // Rare from here on: a container process whose parent is not categorised,
  // typically one exec'd into the container from outside (runc exec).
  facts.has_container_init_ancestor = HasContainerInitAncestor(r, ptid);
  // The command line is only needed to compare it with the container's probes.
  if (info != nullptr && HasProbes(*info) && threads_.has_exe_and_args()) {
    facts.exe = threads_.Exe(r, entry).value_or("");
    threads_.Args(r, entry, &args_buffer_);
  }
  return ClassifyProcess(facts, info);
}

bool ThreadTagger::HasContainerInitAncestor(const Reader& r, int64_t ancestor_tid) const {
  for (int depth = 0; ancestor_tid > 0 && depth < kMaxAncestorWalk; ++depth) {
    auto ancestor = threads_.Get(r, ancestor_tid);
    if (!ancestor) return false;
    auto id = threads_.ContainerId(r, ancestor.get());
    if (threads_.Vpid(r, ancestor.get()).value_or(0) == 1 && id && !id->empty()) return true;
    ancestor_tid = threads_.Ptid(r, ancestor.get()).value_or(0);
  }
  return false;
}

ThreadTagger::TagAllResult ThreadTagger::TagAll(const Reader& r, const Writer& w) {
  struct State {
    ThreadTagger* self = nullptr;
    const Reader* r = nullptr;
    const Writer* w = nullptr;
    TagAllResult result;
  } state{this, &r, &w, {}};
  r.iterate_entries(
      threads_.table(),
      [](ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* entry) -> ss_plugin_bool {
        auto* st = static_cast<State*>(s);
        bool ok = false;
        try {
          ok = st->self->Tag(*st->r, *st->w, entry);
        } catch (const std::exception&) {
        }
        ++(ok ? st->result.tagged : st->result.failed);
        // One bad thread must not stop the others: keep iterating.
        return 1;
      },
      &state);
  return state.result;
}

std::shared_ptr<const ContainerInfo> ThreadTagger::ContainerOfInit(const Reader& r, int64_t tid) const {
  auto entry = threads_.Get(r, tid);
  if (!entry) return nullptr;
  const bool is_init =
      threads_.Vpid(r, entry.get()).value_or(0) == 1 && threads_.Vtid(r, entry.get()).value_or(0) == 1;
  if (!is_init) return nullptr;
  auto id = threads_.ContainerId(r, entry.get());
  if (!id || id->empty()) return nullptr;
  return store_.Get(*id);
}

}  // namespace libcontainer
