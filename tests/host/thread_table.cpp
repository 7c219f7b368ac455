#include "host/thread_table.h"

#include <cstring>

namespace testhost {

const char* StateTypeName(ss_plugin_state_type type) {
  switch (type) {
    case SS_PLUGIN_ST_INT8:
      return "int8";
    case SS_PLUGIN_ST_INT16:
      return "int16";
    case SS_PLUGIN_ST_INT32:
      return "int32";
    case SS_PLUGIN_ST_INT64:
      return "int64";
    case SS_PLUGIN_ST_UINT8:
      return "uint8";
    case SS_PLUGIN_ST_UINT16:
      return "uint16";
    case SS_PLUGIN_ST_UINT32:
      return "uint32";
    case SS_PLUGIN_ST_UINT64:
      return "uint64";
    case SS_PLUGIN_ST_STRING:
      return "string";
    case SS_PLUGIN_ST_TABLE:
      return "table";
    case SS_PLUGIN_ST_BOOL:
      return "bool";
  }
  return "unknown";
}

namespace {

bool IsScalar(ss_plugin_state_type type) {
  switch (type) {
    case SS_PLUGIN_ST_INT8:
    case SS_PLUGIN_ST_INT16:
    case SS_PLUGIN_ST_INT32:
    case SS_PLUGIN_ST_INT64:
    case SS_PLUGIN_ST_UINT8:
    case SS_PLUGIN_ST_UINT16:
    case SS_PLUGIN_ST_UINT32:
    case SS_PLUGIN_ST_UINT64:
    case SS_PLUGIN_ST_BOOL:
      return true;
    default:
      return false;
  }
}

// Copies only the member of `type`, so stray bytes never leak through.
ss_plugin_state_data CopyScalar(ss_plugin_state_type type, const ss_plugin_state_data& in) {
  ss_plugin_state_data out{};
  switch (type) {
    case SS_PLUGIN_ST_INT8:
      out.s8 = in.s8;
      break;
    case SS_PLUGIN_ST_INT16:
      out.s16 = in.s16;
      break;
    case SS_PLUGIN_ST_INT32:
      out.s32 = in.s32;
      break;
    case SS_PLUGIN_ST_INT64:
      out.s64 = in.s64;
      break;
    case SS_PLUGIN_ST_UINT8:
      out.u8 = in.u8;
      break;
    case SS_PLUGIN_ST_UINT16:
      out.u16 = in.u16;
      break;
    case SS_PLUGIN_ST_UINT32:
      out.u32 = in.u32;
      break;
    case SS_PLUGIN_ST_UINT64:
      out.u64 = in.u64;
      break;
    case SS_PLUGIN_ST_BOOL:
      out.b = in.b;
      break;
    default:
      break;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- schema

HostField* TableSchema::Find(const std::string& name) const {
  for (const auto& f : fields_) {
    if (f->name == name) return f.get();
  }
  return nullptr;
}

HostField* TableSchema::Add(HostField field) {
  field.schema = this;
  if (field.fixed_id < 0) field.dynamic_index = static_cast<int>(dynamic_count_++);
  fields_.push_back(std::make_unique<HostField>(std::move(field)));
  return fields_.back().get();
}

ss_plugin_table_fieldinfo* TableSchema::List(uint32_t* count) {
  infos_.clear();
  for (const auto& f : fields_) {
    infos_.push_back(ss_plugin_table_fieldinfo{f->name.c_str(), f->type, f->read_only ? 1u : 0u});
  }
  if (count != nullptr) *count = static_cast<uint32_t>(infos_.size());
  return infos_.data();
}

// ---------------------------------------------------------------- HostTable

HostField* HostTable::AddField(const std::string& name, ss_plugin_state_type) {
  Fail(std::string("table '") + Name() + "' does not accept new fields (asked for '" + name + "')");
  return nullptr;
}

void HostTable::Fail(std::string message) const {
  if (errors_ != nullptr) errors_->SetOwnerError(std::move(message));
}

const char* HostTable::Hold(const std::string& value) {
  if (strict_strings_ != nullptr && *strict_strings_) {
    auto fresh = std::make_unique<char[]>(value.size() + 1);
    std::memcpy(fresh.get(), value.c_str(), value.size() + 1);
    strict_buffer_ = std::move(fresh);  // frees what the previous read returned
    return strict_buffer_.get();
  }
  buffer_.assign(value);
  return buffer_.c_str();
}

// ---------------------------------------------------------------- ListTable

void ListTable::Assign(const std::vector<std::vector<std::string>>& rows) {
  entries_.clear();
  for (const auto& row : rows) {
    auto e = std::make_unique<Entry>();
    e->columns = row;
    e->columns.resize(ncolumns_);
    entries_.push_back(std::move(e));
  }
}

std::vector<std::vector<std::string>> ListTable::Rows() const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries_) rows.push_back(e->columns);
  return rows;
}

void* ListTable::GetEntry(const ss_plugin_state_data& key) {
  if (key.u64 >= entries_.size()) {
    Fail(std::string("table '") + name_ + "': no entry at index " + std::to_string(key.u64));
    return nullptr;
  }
  return entries_[key.u64].get();
}

bool ListTable::Iterate(ss_plugin_table_iterator_func_t it, ss_plugin_table_iterator_state_t* state) {
  snapshot_.clear();
  for (const auto& e : entries_) snapshot_.push_back(e.get());
  // The callback may not touch this list's rows, so the copy stays valid.
  for (size_t i = 0; i < snapshot_.size(); ++i) {
    if (it(state, snapshot_[i]) == 0) return false;
  }
  return true;
}

ss_plugin_rc ListTable::Read(void* entry, const HostField& field, ss_plugin_state_data* out) {
  auto* e = static_cast<Entry*>(entry);
  if (field.fixed_id < 0 || static_cast<size_t>(field.fixed_id) >= e->columns.size()) {
    Fail(std::string("table '") + name_ + "': bad field '" + field.name + "'");
    return SS_PLUGIN_FAILURE;
  }
  out->str = Hold(e->columns[field.fixed_id]);
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ListTable::Write(void* entry, const HostField& field, const ss_plugin_state_data& in) {
  auto* e = static_cast<Entry*>(entry);
  if (field.fixed_id < 0 || static_cast<size_t>(field.fixed_id) >= e->columns.size() || in.str == nullptr) {
    Fail(std::string("table '") + name_ + "': cannot write field '" + field.name + "'");
    return SS_PLUGIN_FAILURE;
  }
  e->columns[field.fixed_id] = in.str;
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ListTable::Clear() {
  entries_.clear();
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ListTable::Erase(const ss_plugin_state_data& key) {
  if (key.u64 >= entries_.size()) {
    Fail(std::string("table '") + name_ + "': no entry at index " + std::to_string(key.u64));
    return SS_PLUGIN_FAILURE;
  }
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(key.u64));
  return SS_PLUGIN_SUCCESS;
}

void* ListTable::CreateEntry() {
  auto e = std::make_unique<Entry>();
  e->columns.resize(ncolumns_);
  auto* raw = e.get();
  detached_[raw] = std::move(e);
  return raw;
}

void ListTable::DestroyEntry(void* entry) {
  if (detached_.erase(static_cast<Entry*>(entry)) == 0) Fail("destroy_table_entry: unknown entry");
}

void* ListTable::AddEntry(const ss_plugin_state_data& key, void* entry) {
  auto it = detached_.find(static_cast<Entry*>(entry));
  if (it == detached_.end()) {
    Fail("add_table_entry: entry was not made by create_table_entry");
    return nullptr;
  }
  auto owned = std::move(it->second);
  detached_.erase(it);
  auto* raw = owned.get();
  if (key.u64 < entries_.size()) {
    entries_[key.u64] = std::move(owned);
  } else {
    entries_.push_back(std::move(owned));
  }
  return raw;
}

// ---------------------------------------------------------------- ThreadsTable

ThreadsTable::ThreadsTable(ErrorSink* errors, const bool* strict_strings)
    : HostTable(&threads_schema_, errors, strict_strings) {
  auto fixed = [&](const char* name, ss_plugin_state_type type, int id, bool read_only) {
    HostField f;
    f.name = name;
    f.type = type;
    f.fixed_id = id;
    f.read_only = read_only;
    threads_schema_.Add(std::move(f));
  };
  fixed("tid", SS_PLUGIN_ST_INT64, kTid, false);
  fixed("pid", SS_PLUGIN_ST_INT64, kPid, false);
  fixed("ptid", SS_PLUGIN_ST_INT64, kPtid, false);
  fixed("vpid", SS_PLUGIN_ST_INT64, kVpid, false);
  fixed("vtid", SS_PLUGIN_ST_INT64, kVtid, false);
  fixed("comm", SS_PLUGIN_ST_STRING, kComm, false);
  fixed("exe", SS_PLUGIN_ST_STRING, kExe, false);
  fixed("pidns_init_start_ts", SS_PLUGIN_ST_UINT64, kPidnsInitStartTs, false);
  fixed("args", SS_PLUGIN_ST_TABLE, kArgs, true);
  fixed("cgroups", SS_PLUGIN_ST_TABLE, kCgroups, true);

  HostField value;
  value.name = "value";
  value.type = SS_PLUGIN_ST_STRING;
  value.fixed_id = 0;
  args_schema_.Add(std::move(value));
  HostField first;
  first.name = "first";
  first.type = SS_PLUGIN_ST_STRING;
  first.fixed_id = 0;
  cgroups_schema_.Add(std::move(first));
  HostField second;
  second.name = "second";
  second.type = SS_PLUGIN_ST_STRING;
  second.fixed_id = 1;
  cgroups_schema_.Add(std::move(second));
}

std::unique_ptr<ThreadsTable::Entry> ThreadsTable::NewEntry() {
  auto e = std::make_unique<Entry>();
  e->args = std::make_unique<ListTable>("args", 1, &args_schema_, errors_, strict_strings_);
  e->cgroups = std::make_unique<ListTable>("cgroups", 2, &cgroups_schema_, errors_, strict_strings_);
  return e;
}

void ThreadsTable::Put(const ThreadSpec& spec) {
  std::shared_ptr<Entry> e = NewEntry();
  e->tid = spec.tid;
  e->pid = spec.pid;
  e->ptid = spec.ptid;
  e->vpid = spec.vpid;
  e->vtid = spec.vtid;
  e->comm = spec.comm;
  e->exe = spec.exe;
  e->pidns_init_start_ts = spec.pidns_init_start_ts;
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : spec.args) rows.push_back({a});
  e->args->Assign(rows);
  rows.clear();
  for (const auto& [subsys, path] : spec.cgroups) rows.push_back({subsys, path});
  e->cgroups->Assign(rows);
  threads_[spec.tid] = std::move(e);
}

bool ThreadsTable::Remove(int64_t tid) {
  return threads_.erase(tid) > 0;
}

void ThreadsTable::RemoveAll() {
  threads_.clear();
}

const ThreadsTable::Entry* ThreadsTable::Find(int64_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : it->second.get();
}

ThreadsTable::Entry* ThreadsTable::FindMutable(int64_t tid) {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : it->second.get();
}

std::optional<ThreadsTable::Value> ThreadsTable::DynamicValue(int64_t tid, const std::string& field,
                                                              ss_plugin_state_type type) const {
  const auto* e = Find(tid);
  const auto* f = threads_schema_.Find(field);
  if (e == nullptr || f == nullptr || f->dynamic_index < 0 || f->type != type) return std::nullopt;
  if (static_cast<size_t>(f->dynamic_index) >= e->dynamic.size()) return Value{};  // never written: default
  return e->dynamic[f->dynamic_index];
}

void* ThreadsTable::GetEntry(const ss_plugin_state_data& key) {
  auto it = threads_.find(key.s64);
  if (it == threads_.end()) {
    Fail("threads: no thread with tid " + std::to_string(key.s64));
    return nullptr;
  }
  Entry* e = it->second.get();
  if (e->holds++ == 0) e->self = it->second;
  ++outstanding_refs_;
  return e;
}

void ThreadsTable::ReleaseEntry(void* entry) {
  auto* e = static_cast<Entry*>(entry);
  if (e == nullptr || e->holds == 0) return;  // entries from iteration or add_table_entry need no release
  --outstanding_refs_;
  if (--e->holds == 0) e->self.reset();  // may destroy a removed entry: touch nothing after
}

bool ThreadsTable::Iterate(ss_plugin_table_iterator_func_t it, ss_plugin_table_iterator_state_t* state) {
  // A snapshot keeps iteration safe if the callback erases threads.
  std::vector<std::shared_ptr<Entry>> snapshot;
  snapshot.reserve(threads_.size());
  for (const auto& [tid, e] : threads_) snapshot.push_back(e);
  for (const auto& e : snapshot) {
    if (it(state, e.get()) == 0) return false;
  }
  return true;
}

ss_plugin_rc ThreadsTable::Read(void* entry, const HostField& field, ss_plugin_state_data* out) {
  auto* e = static_cast<Entry*>(entry);
  if (e->fail_reads) {
    Fail("threads: injected read failure for tid " + std::to_string(e->tid) + " field '" + field.name + "'");
    return SS_PLUGIN_FAILURE;
  }
  if (field.fixed_id >= 0) {
    switch (field.fixed_id) {
      case kTid:
        out->s64 = e->tid;
        break;
      case kPid:
        out->s64 = e->pid;
        break;
      case kPtid:
        out->s64 = e->ptid;
        break;
      case kVpid:
        out->s64 = e->vpid;
        break;
      case kVtid:
        out->s64 = e->vtid;
        break;
      case kComm:
        out->str = Hold(e->comm);
        break;
      case kExe:
        out->str = Hold(e->exe);
        break;
      case kPidnsInitStartTs:
        out->u64 = e->pidns_init_start_ts;
        break;
      case kArgs:
        out->table = static_cast<HostTable*>(e->args.get());
        break;
      case kCgroups:
        out->table = static_cast<HostTable*>(e->cgroups.get());
        break;
      default:
        Fail("threads: bad field");
        return SS_PLUGIN_FAILURE;
    }
    return SS_PLUGIN_SUCCESS;
  }
  const size_t index = static_cast<size_t>(field.dynamic_index);
  static const Value kDefault{};
  const Value& v = index < e->dynamic.size() ? e->dynamic[index] : kDefault;
  if (field.type == SS_PLUGIN_ST_STRING) {
    out->str = Hold(v.str);
  } else {
    *out = CopyScalar(field.type, v.scalar);
  }
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ThreadsTable::Write(void* entry, const HostField& field, const ss_plugin_state_data& in) {
  auto* e = static_cast<Entry*>(entry);
  if (field.type == SS_PLUGIN_ST_STRING && in.str == nullptr) {
    Fail("threads: NULL string written to field '" + field.name + "'");
    return SS_PLUGIN_FAILURE;
  }
  if (field.fixed_id >= 0) {
    switch (field.fixed_id) {
      case kTid:
        e->tid = in.s64;
        break;
      case kPid:
        e->pid = in.s64;
        break;
      case kPtid:
        e->ptid = in.s64;
        break;
      case kVpid:
        e->vpid = in.s64;
        break;
      case kVtid:
        e->vtid = in.s64;
        break;
      case kComm:
        e->comm = in.str;
        break;
      case kExe:
        e->exe = in.str;
        break;
      case kPidnsInitStartTs:
        e->pidns_init_start_ts = in.u64;
        break;
      default:
        Fail("threads: field '" + field.name + "' is read-only");
        return SS_PLUGIN_FAILURE;
    }
    return SS_PLUGIN_SUCCESS;
  }
  const size_t index = static_cast<size_t>(field.dynamic_index);
  if (e->dynamic.size() <= index) e->dynamic.resize(threads_schema_.dynamic_count());
  if (field.type == SS_PLUGIN_ST_STRING) {
    e->dynamic[index].str = in.str;  // copies: the plugin's buffer may change right after
  } else {
    e->dynamic[index].scalar = CopyScalar(field.type, in);
  }
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ThreadsTable::Clear() {
  threads_.clear();
  return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc ThreadsTable::Erase(const ss_plugin_state_data& key) {
  if (threads_.erase(key.s64) == 0) {
    Fail("threads: no thread with tid " + std::to_string(key.s64));
    return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

void* ThreadsTable::CreateEntry() {
  auto e = NewEntry();
  auto* raw = e.get();
  detached_[raw] = std::move(e);
  return raw;
}

void ThreadsTable::DestroyEntry(void* entry) {
  if (detached_.erase(static_cast<Entry*>(entry)) == 0) {
    Fail("threads: destroy_table_entry on an entry not made by create_table_entry");
  }
}

void* ThreadsTable::AddEntry(const ss_plugin_state_data& key, void* entry) {
  auto it = detached_.find(static_cast<Entry*>(entry));
  if (it == detached_.end()) {
    Fail("threads: add_table_entry with an entry not made by create_table_entry");
    return nullptr;
  }
  std::shared_ptr<Entry> owned = std::move(it->second);
  detached_.erase(it);
  owned->tid = key.s64;
  threads_[key.s64] = owned;
  return owned.get();
}

HostField* ThreadsTable::AddField(const std::string& name, ss_plugin_state_type type) {
  if (!IsScalar(type) && type != SS_PLUGIN_ST_STRING) {
    Fail("threads: cannot add field '" + name + "' of type " + StateTypeName(type));
    return nullptr;
  }
  if (auto* existing = threads_schema_.Find(name)) {
    if (existing->fixed_id >= 0) {
      Fail("threads: field '" + name + "' is a built-in field and cannot be added");
      return nullptr;
    }
    if (existing->type != type) {
      Fail("threads: field '" + name + "' already defined with type " + StateTypeName(existing->type) +
           ", not " + StateTypeName(type));
      return nullptr;
    }
    return existing;  // libsinsp hands out the same accessor again
  }
  HostField f;
  f.name = name;
  f.type = type;
  return threads_schema_.Add(std::move(f));
}

// ---------------------------------------------------------------- C vtables

namespace {

HostTable* T(ss_plugin_table_t* t) {
  return static_cast<HostTable*>(t);
}

// Field pointers must come from this table's schema: using the accessor of
// another table is a plugin bug the real host would not forgive either.
const HostField* CheckedField(HostTable* table, const ss_plugin_table_field_t* f) {
  const auto* field = static_cast<const HostField*>(f);
  if (field == nullptr) {
    table->Fail("NULL field accessor");
    return nullptr;
  }
  if (field->schema != table->schema()) {
    table->Fail("field accessor '" + field->name + "' does not belong to table '" + table->Name() + "'");
    return nullptr;
  }
  return field;
}

const char* GetTableName(ss_plugin_table_t* t) {
  return t == nullptr ? nullptr : T(t)->Name();
}

uint64_t GetTableSize(ss_plugin_table_t* t) {
  return t == nullptr ? 0 : T(t)->Size();
}

ss_plugin_table_entry_t* GetTableEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
  if (t == nullptr) return nullptr;
  if (key == nullptr) {
    T(t)->Fail("get_table_entry: NULL key");
    return nullptr;
  }
  return T(t)->GetEntry(*key);
}

ss_plugin_rc ReadEntryField(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                            const ss_plugin_table_field_t* f, ss_plugin_state_data* out) {
  if (t == nullptr) return SS_PLUGIN_FAILURE;
  if (e == nullptr || out == nullptr) {
    T(t)->Fail("read_entry_field: NULL entry or output");
    return SS_PLUGIN_FAILURE;
  }
  const auto* field = CheckedField(T(t), f);
  if (field == nullptr) return SS_PLUGIN_FAILURE;
  return T(t)->Read(e, *field, out);
}

void ReleaseTableEntry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
  if (t != nullptr && e != nullptr) T(t)->ReleaseEntry(e);
}

ss_plugin_bool IterateEntries(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                              ss_plugin_table_iterator_state_t* s) {
  if (t == nullptr || it == nullptr) return 0;
  return T(t)->Iterate(it, s) ? 1 : 0;
}

ss_plugin_rc ClearTable(ss_plugin_table_t* t) {
  return t == nullptr ? SS_PLUGIN_FAILURE : T(t)->Clear();
}

ss_plugin_rc EraseTableEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
  if (t == nullptr || key == nullptr) return SS_PLUGIN_FAILURE;
  return T(t)->Erase(*key);
}

ss_plugin_table_entry_t* CreateTableEntry(ss_plugin_table_t* t) {
  return t == nullptr ? nullptr : T(t)->CreateEntry();
}

void DestroyTableEntry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
  if (t != nullptr && e != nullptr) T(t)->DestroyEntry(e);
}

ss_plugin_table_entry_t* AddTableEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key,
                                       ss_plugin_table_entry_t* e) {
  if (t == nullptr) return nullptr;
  if (key == nullptr || e == nullptr) {
    T(t)->Fail("add_table_entry: NULL key or entry");
    return nullptr;
  }
  return T(t)->AddEntry(*key, e);
}

ss_plugin_rc WriteEntryField(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                             const ss_plugin_table_field_t* f, const ss_plugin_state_data* in) {
  if (t == nullptr) return SS_PLUGIN_FAILURE;
  if (e == nullptr || in == nullptr) {
    T(t)->Fail("write_entry_field: NULL entry or input");
    return SS_PLUGIN_FAILURE;
  }
  const auto* field = CheckedField(T(t), f);
  if (field == nullptr) return SS_PLUGIN_FAILURE;
  if (field->read_only) {
    T(t)->Fail("field '" + field->name + "' is read-only");
    return SS_PLUGIN_FAILURE;
  }
  return T(t)->Write(e, *field, *in);
}

ss_plugin_table_fieldinfo* ListTableFields(ss_plugin_table_t* t, uint32_t* nfields) {
  if (t == nullptr) {
    if (nfields != nullptr) *nfields = 0;
    return nullptr;
  }
  return T(t)->schema()->List(nfields);
}

ss_plugin_table_field_t* GetTableField(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
  if (t == nullptr) return nullptr;
  if (name == nullptr) {
    T(t)->Fail("get_table_field: NULL name");
    return nullptr;
  }
  auto* field = T(t)->schema()->Find(name);
  if (field == nullptr) {
    T(t)->Fail(std::string("table '") + T(t)->Name() + "' has no field '" + name + "'");
    return nullptr;
  }
  if (field->type != type) {
    // libsinsp: "incompatible data types for field" - fixed types are not converted.
    T(t)->Fail(std::string("table '") + T(t)->Name() + "': field '" + name + "' has type " +
               StateTypeName(field->type) + ", requested " + StateTypeName(type));
    return nullptr;
  }
  return field;
}

ss_plugin_table_field_t* AddTableField(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
  if (t == nullptr) return nullptr;
  if (name == nullptr) {
    T(t)->Fail("add_table_field: NULL name");
    return nullptr;
  }
  return T(t)->AddField(name, type);
}

}  // namespace

HostTableVtables* TableVtables() {
  static HostTableVtables v = [] {
    HostTableVtables x{};
    x.reader = {GetTableName, GetTableSize, GetTableEntry, ReadEntryField};
    x.reader_ext = {GetTableName,   GetTableSize,      GetTableEntry,
                    ReadEntryField, ReleaseTableEntry, IterateEntries};
    x.writer = {ClearTable,        EraseTableEntry, CreateTableEntry,
                DestroyTableEntry, AddTableEntry,   WriteEntryField};
    x.writer_ext = x.writer;
    x.fields = {ListTableFields, GetTableField, AddTableField};
    x.fields_ext = x.fields;
    return x;
  }();
  return &v;
}

}  // namespace testhost
