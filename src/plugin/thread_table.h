// Access to the host's `threads` table: the fields we read, the two we add.
//
// Accessors are resolved once at init; per call the host passes the reader and
// writer vtables, which is why every method takes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/plugin_api.h"
#include "plugin/table_entry.h"

namespace libcontainer {

class ThreadTable {
 public:
  using Reader = ss_plugin_table_reader_vtable_ext;
  using Writer = ss_plugin_table_writer_vtable_ext;

  // Resolves the table and field accessors; throws std::runtime_error naming
  // the missing piece (libsinsp cannot run the plugin without them).
  explicit ThreadTable(const ss_plugin_init_input& input);
  ThreadTable(const ThreadTable&) = delete;
  ThreadTable& operator=(const ThreadTable&) = delete;

  ss_plugin_table_t* table() const { return table_; }
  bool has_start_ts() const { return pidns_init_start_ts_ != nullptr; }
  bool has_exe_and_args() const { return exe_ != nullptr && args_ != nullptr && args_value_ != nullptr; }

  // The thread's entry, empty if the host has no such thread.
  TableEntry Get(const Reader& r, int64_t tid) const;

  std::optional<int64_t> Ptid(const Reader& r, ss_plugin_table_entry_t* e) const {
    return ReadInt64(r, e, ptid_);
  }
  std::optional<int64_t> Vpid(const Reader& r, ss_plugin_table_entry_t* e) const {
    return ReadInt64(r, e, vpid_);
  }
  std::optional<int64_t> Vtid(const Reader& r, ss_plugin_table_entry_t* e) const {
    return ReadInt64(r, e, vtid_);
  }
  uint64_t PidnsInitStartTs(const Reader& r, ss_plugin_table_entry_t* e) const;
  // The container id we stored; nullopt when the read fails.
  std::optional<std::string_view> ContainerId(const Reader& r, ss_plugin_table_entry_t* e) const;
  std::optional<uint16_t> Category(const Reader& r, ss_plugin_table_entry_t* e) const;
  std::optional<std::string_view> Exe(const Reader& r, ss_plugin_table_entry_t* e) const;
  bool Args(const Reader& r, ss_plugin_table_entry_t* e, std::vector<std::string>* out) const;

  bool SetContainerId(const Writer& w, ss_plugin_table_entry_t* e, const char* id) const;
  bool SetCategory(const Writer& w, ss_plugin_table_entry_t* e, uint16_t category) const;

  // Calls visit(path) for each cgroup path of the thread until it returns true.
  // Returns false if the cgroups could not be read.
  template <typename Visit>
  bool VisitCgroups(const Reader& r, ss_plugin_table_entry_t* e, Visit&& visit) const {
    struct State {
      const Reader* reader;
      const ss_plugin_table_field_t* field;
      ss_plugin_table_t* subtable;
      Visit* visit;
      bool stopped;
    };
    ss_plugin_state_data data;
    if (r.read_entry_field(table_, e, cgroups_, &data) != SS_PLUGIN_SUCCESS || data.table == nullptr)
      return false;
    State state{&r, cgroups_second_, data.table, &visit, false};
    r.iterate_entries(
        data.table,
        [](ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* sub) -> ss_plugin_bool {
          auto* st = static_cast<State*>(s);
          ss_plugin_state_data path;
          if (st->reader->read_entry_field(st->subtable, sub, st->field, &path) != SS_PLUGIN_SUCCESS ||
              path.str == nullptr) {
            return 1;
          }
          st->stopped = (*st->visit)(std::string_view(path.str));
          return st->stopped ? 0 : 1;
        },
        &state);
    return true;
  }

 private:
  void Init(const ss_plugin_init_tables_input& tables, ss_plugin_owner_t* owner);
  std::optional<int64_t> ReadInt64(const Reader& r, ss_plugin_table_entry_t* e,
                                   const ss_plugin_table_field_t* f) const;

  ss_plugin_table_t* table_ = nullptr;
  ss_plugin_table_field_t* ptid_ = nullptr;
  ss_plugin_table_field_t* vpid_ = nullptr;
  ss_plugin_table_field_t* vtid_ = nullptr;
  ss_plugin_table_field_t* exe_ = nullptr;
  ss_plugin_table_field_t* args_ = nullptr;
  ss_plugin_table_field_t* args_value_ = nullptr;
  ss_plugin_table_field_t* cgroups_ = nullptr;
  ss_plugin_table_field_t* cgroups_second_ = nullptr;
  ss_plugin_table_field_t* pidns_init_start_ts_ = nullptr;
  ss_plugin_table_field_t* container_id_ = nullptr;
  ss_plugin_table_field_t* category_ = nullptr;
};

}  // namespace libcontainer
