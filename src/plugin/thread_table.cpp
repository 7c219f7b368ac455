#include "plugin/thread_table.h"

#include <stdexcept>

namespace libcontainer {

ThreadTable::ThreadTable(const ss_plugin_init_input& input) {
  if (input.tables == nullptr) throw std::runtime_error("host offers no state tables");
  Init(*input.tables, input.owner);
}

void ThreadTable::Init(const ss_plugin_init_tables_input& tables, ss_plugin_owner_t* owner) {
  const auto* fields = tables.fields_ext;
  if (fields == nullptr || tables.get_table == nullptr)
    throw std::runtime_error("host offers no table access");
  table_ = tables.get_table(owner, "threads", SS_PLUGIN_ST_INT64);
  if (table_ == nullptr) throw std::runtime_error("host has no 'threads' table keyed by int64");

  auto required = [&](const char* name, ss_plugin_state_type type) {
    auto* f = fields->get_table_field(table_, name, type);
    if (f == nullptr)
      throw std::runtime_error(std::string("threads table: cannot read field '") + name + "'");
    return f;
  };
  ptid_ = required("ptid", SS_PLUGIN_ST_INT64);
  vpid_ = required("vpid", SS_PLUGIN_ST_INT64);
  vtid_ = required("vtid", SS_PLUGIN_ST_INT64);
  cgroups_ = required("cgroups", SS_PLUGIN_ST_TABLE);
  // Optional: without them only container.start_ts/duration and probe detection degrade.
  pidns_init_start_ts_ = fields->get_table_field(table_, "pidns_init_start_ts", SS_PLUGIN_ST_UINT64);
  exe_ = fields->get_table_field(table_, "exe", SS_PLUGIN_ST_STRING);
  args_ = fields->get_table_field(table_, "args", SS_PLUGIN_ST_TABLE);

  container_id_ = fields->add_table_field(table_, "container_id", SS_PLUGIN_ST_STRING);
  if (container_id_ == nullptr) throw std::runtime_error("threads table: cannot add field 'container_id'");
  category_ = fields->add_table_field(table_, "category", SS_PLUGIN_ST_UINT16);
  if (category_ == nullptr) throw std::runtime_error("threads table: cannot add field 'category'");

  // Sub-table accessors come from a sub-table instance: borrow the one of a
  // scratch entry that is never added to the table.
  if (tables.reader_ext == nullptr || tables.writer_ext == nullptr) {
    throw std::runtime_error("host offers no sub-table access at init");
  }
  auto* scratch = tables.writer_ext->create_table_entry(table_);
  if (scratch == nullptr) throw std::runtime_error("threads table: cannot create a scratch entry");
  auto subtable_field = [&](ss_plugin_table_field_t* table_field,
                            const char* name) -> ss_plugin_table_field_t* {
    ss_plugin_state_data data;
    if (table_field == nullptr ||
        tables.reader_ext->read_entry_field(table_, scratch, table_field, &data) != SS_PLUGIN_SUCCESS ||
        data.table == nullptr) {
      return nullptr;
    }
    return fields->get_table_field(data.table, name, SS_PLUGIN_ST_STRING);
  };
  cgroups_second_ = subtable_field(cgroups_, "second");
  args_value_ = subtable_field(args_, "value");
  tables.writer_ext->destroy_table_entry(table_, scratch);
  if (cgroups_second_ == nullptr)
    throw std::runtime_error("threads table: cannot read field 'cgroups.second'");
}

TableEntry ThreadTable::Get(const Reader& r, int64_t tid) const {
  ss_plugin_state_data key;
  key.s64 = tid;
  return TableEntry(r, table_, r.get_table_entry(table_, &key));
}

std::optional<int64_t> ThreadTable::ReadInt64(const Reader& r, ss_plugin_table_entry_t* e,
                                              const ss_plugin_table_field_t* f) const {
  ss_plugin_state_data data;
  if (r.read_entry_field(table_, e, f, &data) != SS_PLUGIN_SUCCESS) return std::nullopt;
  return data.s64;
}

uint64_t ThreadTable::PidnsInitStartTs(const Reader& r, ss_plugin_table_entry_t* e) const {
  ss_plugin_state_data data;
  if (pidns_init_start_ts_ == nullptr ||
      r.read_entry_field(table_, e, pidns_init_start_ts_, &data) != SS_PLUGIN_SUCCESS) {
    return 0;
  }
  return data.u64;
}

std::optional<std::string_view> ThreadTable::ContainerId(const Reader& r, ss_plugin_table_entry_t* e) const {
  ss_plugin_state_data data;
  if (r.read_entry_field(table_, e, container_id_, &data) != SS_PLUGIN_SUCCESS) return std::nullopt;
  return data.str == nullptr ? std::string_view() : std::string_view(data.str);
}

std::optional<uint16_t> ThreadTable::Category(const Reader& r, ss_plugin_table_entry_t* e) const {
  ss_plugin_state_data data;
  if (r.read_entry_field(table_, e, category_, &data) != SS_PLUGIN_SUCCESS) return std::nullopt;
  return data.u16;
}

std::optional<std::string_view> ThreadTable::Exe(const Reader& r, ss_plugin_table_entry_t* e) const {
  ss_plugin_state_data data;
  if (exe_ == nullptr || r.read_entry_field(table_, e, exe_, &data) != SS_PLUGIN_SUCCESS) return std::nullopt;
  return data.str == nullptr ? std::string_view() : std::string_view(data.str);
}

bool ThreadTable::Args(const Reader& r, ss_plugin_table_entry_t* e, std::vector<std::string>* out) const {
  out->clear();
  ss_plugin_state_data data;
  if (args_ == nullptr || args_value_ == nullptr ||
      r.read_entry_field(table_, e, args_, &data) != SS_PLUGIN_SUCCESS || data.table == nullptr) {
    return false;
  }
  struct State {
    const Reader* reader;
    ss_plugin_table_t* subtable;
    const ss_plugin_table_field_t* field;
    std::vector<std::string>* out;
  } state{&r, data.table, args_value_, out};
  return r.iterate_entries(
             data.table,
             [](ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* sub) -> ss_plugin_bool {
               auto* st = static_cast<State*>(s);
               ss_plugin_state_data value;
               if (st->reader->read_entry_field(st->subtable, sub, st->field, &value) != SS_PLUGIN_SUCCESS)
                 return 0;
               st->out->emplace_back(value.str == nullptr ? "" : value.str);
               return 1;
             },
             &state) != 0;
}

bool ThreadTable::SetContainerId(const Writer& w, ss_plugin_table_entry_t* e, const char* id) const {
  ss_plugin_state_data data;
  data.str = id;
  return w.write_entry_field(table_, e, container_id_, &data) == SS_PLUGIN_SUCCESS;
}

bool ThreadTable::SetCategory(const Writer& w, ss_plugin_table_entry_t* e, uint16_t category) const {
  ss_plugin_state_data data;
  data.u16 = category;
  return w.write_entry_field(table_, e, category_, &data) == SS_PLUGIN_SUCCESS;
}

}  // namespace libcontainer
