// The host's `threads` table as libsinsp offers it to plugins.
//
// Only what the container plugin touches is modelled, but with libsinsp's
// rules: fixed fields have fixed types, plugins may add dynamic fields,
// `args` and `cgroups` are sub-tables whose field accessors are shared by
// every thread, strings read through the API stay valid only until the next
// read on the same table, and acquired entries must be released.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plugin/plugin_api.h"

namespace testhost {

struct ThreadSpec {
  int64_t tid = 0, pid = 0, ptid = 0, vpid = 0, vtid = 0;
  std::string comm, exe;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> cgroups;  // (subsystem, path)
  uint64_t pidns_init_start_ts = 0;
};

// Receives the errors table operations report (the owner's last error).
class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  virtual void SetOwnerError(std::string message) = 0;
};

class HostTable;

// What an ss_plugin_table_field_t* handed to a plugin points to. A field
// belongs to a schema; every table sharing that schema accepts it.
struct HostField {
  const void* schema = nullptr;
  std::string name;
  ss_plugin_state_type type = SS_PLUGIN_ST_INT64;
  bool read_only = false;
  int fixed_id = -1;       // >= 0: a built-in field
  int dynamic_index = -1;  // >= 0: added with add_table_field
};

// Field definitions shared by all tables of one kind.
class TableSchema {
 public:
  HostField* Find(const std::string& name) const;
  HostField* Add(HostField field);
  const std::vector<std::unique_ptr<HostField>>& fields() const { return fields_; }
  size_t dynamic_count() const { return dynamic_count_; }
  // Backing store for list_table_fields; rebuilt per call.
  ss_plugin_table_fieldinfo* List(uint32_t* count);

 private:
  std::vector<std::unique_ptr<HostField>> fields_;
  std::vector<ss_plugin_table_fieldinfo> infos_;
  size_t dynamic_count_ = 0;
};

// Common shape of every table the host offers; ss_plugin_table_t* is a
// HostTable*. The C vtables dispatch to these methods.
class HostTable {
 public:
  HostTable(TableSchema* schema, ErrorSink* errors, const bool* strict_strings)
      : schema_(schema), errors_(errors), strict_strings_(strict_strings) {}
  virtual ~HostTable() = default;

  virtual const char* Name() const = 0;
  virtual ss_plugin_state_type KeyType() const = 0;
  virtual uint64_t Size() const = 0;
  virtual void* GetEntry(const ss_plugin_state_data& key) = 0;
  virtual void ReleaseEntry(void* entry) = 0;
  virtual bool Iterate(ss_plugin_table_iterator_func_t it, ss_plugin_table_iterator_state_t* state) = 0;
  virtual ss_plugin_rc Read(void* entry, const HostField& field, ss_plugin_state_data* out) = 0;
  virtual ss_plugin_rc Write(void* entry, const HostField& field, const ss_plugin_state_data& in) = 0;
  virtual ss_plugin_rc Clear() = 0;
  virtual ss_plugin_rc Erase(const ss_plugin_state_data& key) = 0;
  virtual void* CreateEntry() = 0;
  virtual void DestroyEntry(void* entry) = 0;
  virtual void* AddEntry(const ss_plugin_state_data& key, void* entry) = 0;
  virtual HostField* AddField(const std::string& name, ss_plugin_state_type type);

  TableSchema* schema() const { return schema_; }
  void Fail(std::string message) const;
  // Copies a string into this table's read buffer, as libsinsp does: the
  // pointer is valid until the next read. In strict mode every read gets a
  // fresh allocation so a stale pointer is a use-after-free ASan reports.
  const char* Hold(const std::string& value);

 protected:
  TableSchema* schema_;
  ErrorSink* errors_;
  const bool* strict_strings_;

 private:
  std::unique_ptr<char[]> strict_buffer_;
  std::string buffer_;
};

// Sub-table of one thread: `args` (column `value`) or `cgroups` (columns
// `first`, `second`), keyed by uint64 position.
class ListTable final : public HostTable {
 public:
  struct Entry {
    std::vector<std::string> columns;
  };
  ListTable(const char* name, size_t ncolumns, TableSchema* schema, ErrorSink* errors, const bool* strict)
      : HostTable(schema, errors, strict), name_(name), ncolumns_(ncolumns) {}

  void Assign(const std::vector<std::vector<std::string>>& rows);
  std::vector<std::vector<std::string>> Rows() const;

  const char* Name() const override { return name_; }
  ss_plugin_state_type KeyType() const override { return SS_PLUGIN_ST_UINT64; }
  uint64_t Size() const override { return entries_.size(); }
  void* GetEntry(const ss_plugin_state_data& key) override;
  void ReleaseEntry(void*) override {}
  bool Iterate(ss_plugin_table_iterator_func_t it, ss_plugin_table_iterator_state_t* state) override;
  ss_plugin_rc Read(void* entry, const HostField& field, ss_plugin_state_data* out) override;
  ss_plugin_rc Write(void* entry, const HostField& field, const ss_plugin_state_data& in) override;
  ss_plugin_rc Clear() override;
  ss_plugin_rc Erase(const ss_plugin_state_data& key) override;
  void* CreateEntry() override;
  void DestroyEntry(void* entry) override;
  void* AddEntry(const ss_plugin_state_data& key, void* entry) override;

 private:
  const char* name_;
  size_t ncolumns_;
  std::vector<std::unique_ptr<Entry>> entries_;
  // Reused by Iterate so that walking a thread's cgroups allocates nothing.
  std::vector<Entry*> snapshot_;
  std::unordered_map<Entry*, std::unique_ptr<Entry>> detached_;
};

class ThreadsTable final : public HostTable {
 public:
  // Built-in fields, in the order list_table_fields reports them.
  enum FixedField { kTid, kPid, kPtid, kVpid, kVtid, kComm, kExe, kPidnsInitStartTs, kArgs, kCgroups };

  struct Value {
    ss_plugin_state_data scalar{};
    std::string str;
  };
  struct Entry {
    int64_t tid = 0, pid = 0, ptid = 0, vpid = 0, vtid = 0;
    std::string comm, exe;
    uint64_t pidns_init_start_ts = 0;
    std::unique_ptr<ListTable> args;
    std::unique_ptr<ListTable> cgroups;
    std::vector<Value> dynamic;  // by HostField::dynamic_index
    bool fail_reads = false;
    // Outstanding get_table_entry references; while positive the entry keeps
    // itself alive, like libsinsp's shared ownership, even if removed.
    int64_t holds = 0;
    std::shared_ptr<Entry> self;
  };

  ThreadsTable(ErrorSink* errors, const bool* strict_strings);

  // Host-side access (tests), not through the plugin API.
  void Put(const ThreadSpec& spec);
  bool Remove(int64_t tid);
  void RemoveAll();
  size_t Count() const { return threads_.size(); }
  const Entry* Find(int64_t tid) const;
  Entry* FindMutable(int64_t tid);
  // A dynamic field's value, nullopt if the thread or field is missing or the
  // field has another type.
  std::optional<Value> DynamicValue(int64_t tid, const std::string& field, ss_plugin_state_type type) const;
  // Entries acquired with get_table_entry and not yet released.
  int64_t OutstandingRefs() const { return outstanding_refs_; }
  // Entries made with create_table_entry and neither destroyed nor added.
  size_t DetachedEntries() const { return detached_.size(); }

  const char* Name() const override { return "threads"; }
  ss_plugin_state_type KeyType() const override { return SS_PLUGIN_ST_INT64; }
  uint64_t Size() const override { return threads_.size(); }
  void* GetEntry(const ss_plugin_state_data& key) override;
  void ReleaseEntry(void* entry) override;
  bool Iterate(ss_plugin_table_iterator_func_t it, ss_plugin_table_iterator_state_t* state) override;
  ss_plugin_rc Read(void* entry, const HostField& field, ss_plugin_state_data* out) override;
  ss_plugin_rc Write(void* entry, const HostField& field, const ss_plugin_state_data& in) override;
  ss_plugin_rc Clear() override;
  ss_plugin_rc Erase(const ss_plugin_state_data& key) override;
  void* CreateEntry() override;
  void DestroyEntry(void* entry) override;
  void* AddEntry(const ss_plugin_state_data& key, void* entry) override;
  HostField* AddField(const std::string& name, ss_plugin_state_type type) override;

 private:
  std::unique_ptr<Entry> NewEntry();

  TableSchema threads_schema_;
  TableSchema args_schema_;
  TableSchema cgroups_schema_;
  std::map<int64_t, std::shared_ptr<Entry>> threads_;
  // Acquired entries stay alive while held, even if erased meanwhile.
  int64_t outstanding_refs_ = 0;
  std::unordered_map<Entry*, std::unique_ptr<Entry>> detached_;
};

// The C vtables through which plugins reach HostTables.
struct HostTableVtables {
  ss_plugin_table_reader_vtable reader;
  ss_plugin_table_reader_vtable_ext reader_ext;
  ss_plugin_table_writer_vtable writer;
  ss_plugin_table_writer_vtable_ext writer_ext;
  ss_plugin_table_fields_vtable fields;
  ss_plugin_table_fields_vtable_ext fields_ext;
};
// One static instance; the _ext pointers handed to plugins point into it.
HostTableVtables* TableVtables();

const char* StateTypeName(ss_plugin_state_type type);

}  // namespace testhost
