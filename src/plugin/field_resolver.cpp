#include "plugin/field_resolver.h"

#include <string_view>

#include "core/field_table.h"
#include "plugin/container_events.h"

namespace libcontainer {
namespace {

// Fields that need more of the thread than its container id.
bool NeedsThreadFacts(FieldId field) {
  return field == FieldId::kContainerStartTs || field == FieldId::kContainerDuration ||
         field == FieldId::kProcIsContainerHealthcheck || field == FieldId::kProcIsContainerLivenessProbe ||
         field == FieldId::kProcIsContainerReadinessProbe;
}

}  // namespace

FieldResolver::FieldResolver(const ThreadTable& threads, const ContainerStore& store)
    : threads_(threads), store_(store) {}

ss_plugin_rc FieldResolver::Extract(const ss_plugin_event_input& event,
                                    const ss_plugin_field_extract_input& input) {
  auto view = EventView::Parse(event.evt);
  if (!view || input.table_reader_ext == nullptr) return SS_PLUGIN_FAILURE;
  const auto& table = FieldTable();
  bool need_facts = false;
  for (uint32_t i = 0; i < input.num_fields; ++i) {
    const auto id = input.fields[i].field_id;
    if (id >= table.size()) return SS_PLUGIN_FAILURE;
    need_facts |= NeedsThreadFacts(static_cast<FieldId>(id));
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
    const FieldValue value = ExtractField(request, facts, resolved_.info, store_.cache(), scratch_[i]);
    out.res_len = 0;
    if (value.present) SetResult(i, table[out.field_id].type, value, out);
  }
  return SS_PLUGIN_SUCCESS;
}

void FieldResolver::SetResult(uint32_t i, FieldType type, const FieldValue& value,
                              ss_plugin_extract_field& out) {
  switch (type) {
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

bool FieldResolver::Resolve(const ss_plugin_event_input& event, const EventView& view, const Reader& r,
                            bool need_facts) {
  if (resolved_.valid && resolved_.evtnum == event.evtnum) {
    if (!resolved_.thread_found) return false;
    if (need_facts && !resolved_.facts_read) {
      auto entry = threads_.Get(r, static_cast<int64_t>(view.tid()));
      if (!entry) return false;
      ReadFacts(r, entry.get());
    }
    return true;
  }
  resolved_.valid = true;
  resolved_.evtnum = event.evtnum;
  resolved_.facts_read = false;
  resolved_.info = nullptr;
  resolved_.thread_found = false;
  resolved_.container_id.clear();
  // Extraction on a container event describes that event's container, even
  // one it removed, rather than the container of the thread that carried it.
  if (IsContainerEventType(view.type())) {
    if (const auto* info = store_.ContainerOfEvent(event.evtnum); info != nullptr) {
      resolved_.info = info;
      resolved_.thread_found = true;
      resolved_.container_id.assign(info->id);
      resolved_.facts_read = true;
      resolved_.pidns_init_start_ts = 0;
      resolved_.category = ProcessCategory::kNone;
      return true;
    }
  }
  auto entry = threads_.Get(r, static_cast<int64_t>(view.tid()));
  if (!entry) return false;
  resolved_.thread_found = true;
  if (auto id = threads_.ContainerId(r, entry.get())) resolved_.container_id.assign(*id);
  if (need_facts) ReadFacts(r, entry.get());
  resolved_.info = store_.Find(resolved_.container_id);
  (resolved_.info != nullptr ? lookups_hit_ : lookups_miss_).Add();
  return true;
}

void FieldResolver::ReadFacts(const Reader& r, ss_plugin_table_entry_t* entry) {
  resolved_.pidns_init_start_ts = threads_.PidnsInitStartTs(r, entry);
  resolved_.category = static_cast<ProcessCategory>(threads_.Category(r, entry).value_or(0));
  resolved_.facts_read = true;
}

}  // namespace libcontainer
