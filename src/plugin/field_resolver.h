// Field extraction through the plugin ABI.
//
// The host asks for the fields of one event in one or several calls. The
// event's thread and container are resolved once per event and reused; the
// thread facts only some fields need (start time, category) are read on the
// first call that needs them. Results point into buffers kept here, which
// the host reads until the next call; in the steady state nothing allocates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event_codec.h"
#include "core/field_extractor.h"
#include "core/field_table.h"
#include "plugin/container_store.h"
#include "plugin/event_counter.h"
#include "plugin/plugin_api.h"
#include "plugin/thread_table.h"

namespace libcontainer {

class FieldResolver {
 public:
  FieldResolver(const ThreadTable& threads, const ContainerStore& store);
  FieldResolver(const FieldResolver&) = delete;
  FieldResolver& operator=(const FieldResolver&) = delete;

  // Parsing may change threads and the store: forget what was resolved.
  void Invalidate() { resolved_.valid = false; }

  ss_plugin_rc Extract(const ss_plugin_event_input& event, const ss_plugin_field_extract_input& input);

  // Events whose thread's container had metadata, or had none.
  uint64_t lookups_hit() const { return lookups_hit_.value(); }
  uint64_t lookups_miss() const { return lookups_miss_.value(); }

 private:
  using Reader = ThreadTable::Reader;

  struct Resolved {
    uint64_t evtnum = 0;
    bool valid = false;
    bool thread_found = false;
    const ContainerInfo* info = nullptr;
    std::string container_id;
    bool facts_read = false;
    uint64_t pidns_init_start_ts = 0;
    ProcessCategory category = ProcessCategory::kNone;
  };

  bool Resolve(const ss_plugin_event_input& event, const EventView& view, const Reader& r, bool need_facts);
  void ReadFacts(const Reader& r, ss_plugin_table_entry_t* entry);
  // Copies `value` into the result buffer of slot i and points `out` at it.
  void SetResult(uint32_t i, FieldType type, const FieldValue& value, ss_plugin_extract_field& out);

  const ThreadTable& threads_;
  const ContainerStore& store_;
  Resolved resolved_;
  std::vector<std::string> scratch_;
  std::vector<const char*> str_results_;
  std::vector<uint64_t> u64_results_;
  std::vector<ss_plugin_bool> bool_results_;
  EventCounter lookups_hit_;
  EventCounter lookups_miss_;
};

}  // namespace libcontainer
