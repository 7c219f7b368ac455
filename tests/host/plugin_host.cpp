#include "host/plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

namespace testhost {

namespace {

struct Semver {
  int major = 0, minor = 0, patch = 0;
};

std::optional<Semver> ParseSemver(const char* s) {
  if (s == nullptr) return std::nullopt;
  Semver v;
  int consumed = 0;
  if (std::sscanf(s, "%d.%d.%d%n", &v.major, &v.minor, &v.patch, &consumed) != 3) return std::nullopt;
  // Pre-release/build suffixes are allowed; anything else is not semver.
  if (s[consumed] != '\0' && s[consumed] != '-' && s[consumed] != '+') return std::nullopt;
  if (v.major < 0 || v.minor < 0 || v.patch < 0) return std::nullopt;
  return v;
}

// libsinsp's rule: same major, and the plugin asks for no more than the host has.
bool Compatible(const Semver& required, int major, int minor, int patch) {
  if (required.major != major) return false;
  if (required.minor != minor) return required.minor < minor;
  return required.patch <= patch;
}

std::optional<uint32_t> FieldTypeCode(const std::string& type) {
  if (type == "uint64") return FTYPE_UINT64;
  if (type == "string") return FTYPE_STRING;
  if (type == "reltime") return FTYPE_RELTIME;
  if (type == "abstime") return FTYPE_ABSTIME;
  if (type == "bool") return FTYPE_BOOL;
  if (type == "ipaddr") return FTYPE_IPADDR;
  if (type == "ipnet") return FTYPE_IPNET;
  return std::nullopt;
}

// A JSON array of strings; nullopt if malformed. NULL or "" means [].
std::optional<std::vector<std::string>> StringList(const char* json) {
  std::vector<std::string> out;
  if (json == nullptr || *json == '\0') return out;
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return std::nullopt;
  for (const auto& item : parsed) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool HasSyscall(const std::vector<std::string>& sources) {
  return sources.empty() || std::find(sources.begin(), sources.end(), "syscall") != sources.end();
}

const char* SeverityName(ss_plugin_log_severity sev) {
  switch (sev) {
    case SS_PLUGIN_LOG_SEV_FATAL:
      return "fatal";
    case SS_PLUGIN_LOG_SEV_CRITICAL:
      return "critical";
    case SS_PLUGIN_LOG_SEV_ERROR:
      return "error";
    case SS_PLUGIN_LOG_SEV_WARNING:
      return "warning";
    case SS_PLUGIN_LOG_SEV_NOTICE:
      return "notice";
    case SS_PLUGIN_LOG_SEV_INFO:
      return "info";
    case SS_PLUGIN_LOG_SEV_DEBUG:
      return "debug";
    case SS_PLUGIN_LOG_SEV_TRACE:
      return "trace";
  }
  return "?";
}

void WriteErr(char* err, const std::string& message) {
  if (err != nullptr) std::snprintf(err, LIBCONTAINER_PLUGIN_MAX_ERRLEN, "%s", message.c_str());
}

std::vector<uint16_t> TypeList(uint16_t* (*fn)(uint32_t*, ss_plugin_t*), ss_plugin_t* state) {
  std::vector<uint16_t> out;
  if (fn == nullptr) return out;
  uint32_t n = 0;
  uint16_t* types = fn(&n, state);
  if (types == nullptr) return out;
  out.assign(types, types + n);
  return out;
}

template <typename F>
void Resolve(void* dl, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(dl, name));
}

}  // namespace

// The C callbacks handed to the plugin; `o` is always the PluginHost.
struct PluginHost::Callbacks {
  static PluginHost* H(ss_plugin_owner_t* o) { return static_cast<PluginHost*>(o); }

  static const char* GetOwnerLastError(ss_plugin_owner_t* o) {
    return o == nullptr ? "" : H(o)->owner_error_.c_str();
  }

  static ss_plugin_table_info* ListTables(ss_plugin_owner_t* o, uint32_t* ntables) {
    auto* h = H(o);
    h->table_infos_.clear();
    h->table_infos_.push_back({h->threads_.Name(), h->threads_.KeyType()});
    for (const auto& t : h->registered_) h->table_infos_.push_back({t.name.c_str(), t.input.key_type});
    if (ntables != nullptr) *ntables = static_cast<uint32_t>(h->table_infos_.size());
    return h->table_infos_.data();
  }

  static ss_plugin_table_t* GetTable(ss_plugin_owner_t* o, const char* name, ss_plugin_state_type key_type) {
    auto* h = H(o);
    if (name == nullptr) {
      h->SetOwnerError("get_table: NULL name");
      return nullptr;
    }
    if (std::strcmp(name, "threads") == 0) {
      if (key_type != SS_PLUGIN_ST_INT64) {
        h->SetOwnerError(std::string("table 'threads' has key type int64, requested ") +
                         StateTypeName(key_type));
        return nullptr;
      }
      return static_cast<HostTable*>(&h->threads_);
    }
    if (h->FindTable(name) != nullptr) {
      h->SetOwnerError(std::string("test host: table '") + name +
                       "' is plugin-owned; not offered back to plugins");
      return nullptr;
    }
    h->SetOwnerError(std::string("table '") + name + "' does not exist");
    return nullptr;
  }

  static ss_plugin_rc AddTable(ss_plugin_owner_t* o, const ss_plugin_table_input* in) {
    auto* h = H(o);
    if (in == nullptr || in->name == nullptr || *in->name == '\0' || in->table == nullptr) {
      h->SetOwnerError("add_table: NULL input, name or table");
      return SS_PLUGIN_FAILURE;
    }
    if (std::strcmp(in->name, "threads") == 0 || h->FindTable(in->name) != nullptr) {
      h->SetOwnerError(std::string("add_table: table '") + in->name + "' already exists");
      return SS_PLUGIN_FAILURE;
    }
    if (in->reader_ext == nullptr || in->writer_ext == nullptr || in->fields_ext == nullptr) {
      h->SetOwnerError(std::string("add_table: table '") + in->name +
                       "' lacks the _ext vtables (API >= 3.x)");
      return SS_PLUGIN_FAILURE;
    }
    RegisteredTable t{in->name, *in};
    h->registered_.push_back(std::move(t));
    h->registered_.back().input.name = h->registered_.back().name.c_str();
    return SS_PLUGIN_SUCCESS;
  }

  static void Log(ss_plugin_owner_t* o, const char* component, const char* msg, ss_plugin_log_severity sev) {
    if (o == nullptr) return;
    H(o)->AddLog(LogLine{component == nullptr ? "" : component, msg == nullptr ? "" : msg, sev});
  }

  static ss_plugin_rc AsyncHandler(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err) {
    auto* h = H(o);
    if (h == nullptr) return SS_PLUGIN_FAILURE;
    std::vector<uint8_t> copy;
    std::string why;
    const bool valid = h->ValidateAsync(evt, &copy, &why);
    std::lock_guard<std::mutex> lock(h->async_mutex_);
    if (!h->async_enabled_) {
      ++h->async_late_;
      WriteErr(err, "async event handler called while no handler is installed");
      return SS_PLUGIN_FAILURE;
    }
    if (!valid) {
      h->async_rejected_.push_back(why);
      WriteErr(err, why);
      return SS_PLUGIN_FAILURE;
    }
    h->async_queue_.push_back(std::move(copy));
    h->async_cv_.notify_all();
    return SS_PLUGIN_SUCCESS;
  }

  static ss_plugin_rc DumpHandler(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err) {
    auto* h = H(o);
    if (h == nullptr) return SS_PLUGIN_FAILURE;
    std::vector<uint8_t> copy;
    std::string why;
    if (!h->ValidateAsync(evt, &copy, &why)) {
      std::lock_guard<std::mutex> lock(h->async_mutex_);
      h->async_rejected_.push_back("dump_state: " + why);
      WriteErr(err, why);
      return SS_PLUGIN_FAILURE;
    }
    std::lock_guard<std::mutex> lock(h->async_mutex_);
    h->dump_events_.push_back(std::move(copy));
    return SS_PLUGIN_SUCCESS;
  }

  static ss_plugin_routine_t* Subscribe(ss_plugin_owner_t* o, ss_plugin_routine_fn_t f,
                                        ss_plugin_routine_state_t* s) {
    auto* h = H(o);
    if (h == nullptr || f == nullptr) return nullptr;
    const uint64_t handle = h->next_routine_++;
    h->routines_.push_back(Routine{f, s, handle});
    return reinterpret_cast<ss_plugin_routine_t*>(static_cast<uintptr_t>(handle));
  }

  static ss_plugin_rc Unsubscribe(ss_plugin_owner_t* o, ss_plugin_routine_t* r) {
    auto* h = H(o);
    if (h == nullptr) return SS_PLUGIN_FAILURE;
    const auto handle = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(r));
    auto it = std::find_if(h->routines_.begin(), h->routines_.end(),
                           [&](const Routine& x) { return x.handle == handle; });
    if (it == h->routines_.end()) return SS_PLUGIN_FAILURE;
    h->routines_.erase(it);
    return SS_PLUGIN_SUCCESS;
  }
};

// ---------------------------------------------------------------- load / init

std::unique_ptr<PluginHost> PluginHost::Load(const std::string& so_path, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  // NODELETE: LeakSanitizer's exit-time scan crashes on the dynamic TLS of
  // libraries already unloaded (libcurl/OpenSSL pulled in by the plugin).
  void* dl = dlopen(so_path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (dl == nullptr) {
    const char* why = dlerror();
    *error = "dlopen " + so_path + ": " + (why == nullptr ? "unknown error" : why);
    return nullptr;
  }
  std::unique_ptr<PluginHost> host(new PluginHost());
  host->dl_ = dl;
  const char* env = std::getenv("LIBCONTAINER_HOST_LOG");
  host->log_to_stderr_ = env != nullptr && std::string(env) == "1";

  auto& a = host->api_;
  Resolve(dl, "plugin_get_required_api_version", a.get_required_api_version);
  Resolve(dl, "plugin_get_required_event_schema_version", a.get_required_event_schema_version);
  Resolve(dl, "plugin_get_name", a.get_name);
  Resolve(dl, "plugin_get_version", a.get_version);
  Resolve(dl, "plugin_get_description", a.get_description);
  Resolve(dl, "plugin_get_contact", a.get_contact);
  Resolve(dl, "plugin_get_init_schema", a.get_init_schema);
  Resolve(dl, "plugin_init", a.init);
  Resolve(dl, "plugin_destroy", a.destroy);
  Resolve(dl, "plugin_get_last_error", a.get_last_error);
  Resolve(dl, "plugin_get_fields", a.get_fields);
  Resolve(dl, "plugin_get_extract_event_sources", a.get_extract_event_sources);
  Resolve(dl, "plugin_get_extract_event_types", a.get_extract_event_types);
  Resolve(dl, "plugin_extract_fields", a.extract_fields);
  Resolve(dl, "plugin_get_parse_event_sources", a.get_parse_event_sources);
  Resolve(dl, "plugin_get_parse_event_types", a.get_parse_event_types);
  Resolve(dl, "plugin_parse_event", a.parse_event);
  Resolve(dl, "plugin_get_async_event_sources", a.get_async_event_sources);
  Resolve(dl, "plugin_get_async_events", a.get_async_events);
  Resolve(dl, "plugin_set_async_event_handler", a.set_async_event_handler);
  Resolve(dl, "plugin_dump_state", a.dump_state);
  Resolve(dl, "plugin_set_config", a.set_config);
  Resolve(dl, "plugin_get_metrics", a.get_metrics);
  Resolve(dl, "plugin_capture_open", a.capture_open);
  Resolve(dl, "plugin_capture_close", a.capture_close);

  const std::pair<const char*, bool> required[] = {
      {"plugin_get_required_api_version", a.get_required_api_version != nullptr},
      {"plugin_get_name", a.get_name != nullptr},
      {"plugin_get_version", a.get_version != nullptr},
      {"plugin_get_description", a.get_description != nullptr},
      {"plugin_get_contact", a.get_contact != nullptr},
      {"plugin_init", a.init != nullptr},
      {"plugin_destroy", a.destroy != nullptr},
      {"plugin_get_last_error", a.get_last_error != nullptr},
  };
  for (const auto& [name, present] : required) {
    if (!present) {
      *error = std::string("missing required symbol ") + name;
      return nullptr;
    }
  }

  const char* required_api = a.get_required_api_version();
  auto api = ParseSemver(required_api);
  if (!api) {
    *error = std::string("plugin_get_required_api_version is not semver: '") +
             (required_api == nullptr ? "(null)" : required_api) + "'";
    return nullptr;
  }
  if (!Compatible(*api, kApiMajor, kApiMinor, kApiPatch)) {
    *error = std::string("plugin requires API version ") + required_api + ", incompatible with host 3.12.0";
    return nullptr;
  }
  const char* version = a.get_version();
  if (!ParseSemver(version)) {
    *error =
        std::string("plugin_get_version is not semver: '") + (version == nullptr ? "(null)" : version) + "'";
    return nullptr;
  }
  const char* name = a.get_name();
  if (name == nullptr || *name == '\0') {
    *error = "plugin_get_name returned an empty name";
    return nullptr;
  }

  // A capability counts only when implemented in full; half of one is an error.
  std::string partial;
  auto pair = [&](bool x, bool y, const char* what) {
    if (x != y) partial = std::string("plugin implements ") + what + " only partially";
    return x && y;
  };
  const bool extraction = pair(a.get_fields != nullptr, a.extract_fields != nullptr, "field extraction");
  const bool async =
      pair(a.get_async_events != nullptr, a.set_async_event_handler != nullptr, "async events");
  const bool listening = pair(a.capture_open != nullptr, a.capture_close != nullptr, "capture listening");
  const bool parsing = a.parse_event != nullptr;
  if (!partial.empty()) {
    *error = partial;
    return nullptr;
  }
  if (!extraction && !async && !listening && !parsing) {
    *error = "plugin has no capability this host can use";
    return nullptr;
  }

  auto extract_sources = StringList(a.get_extract_event_sources ? a.get_extract_event_sources() : nullptr);
  auto parse_sources = StringList(a.get_parse_event_sources ? a.get_parse_event_sources() : nullptr);
  auto async_sources = StringList(a.get_async_event_sources ? a.get_async_event_sources() : nullptr);
  if (!extract_sources || !parse_sources || !async_sources) {
    *error = "an event sources list is not a JSON array of strings";
    return nullptr;
  }
  const bool uses_syscall = (extraction && HasSyscall(*extract_sources)) ||
                            (parsing && HasSyscall(*parse_sources)) || (async && HasSyscall(*async_sources));
  if (uses_syscall) {
    if (a.get_required_event_schema_version == nullptr) {
      *error = "plugin uses the syscall source but lacks plugin_get_required_event_schema_version";
      return nullptr;
    }
    const char* schema = a.get_required_event_schema_version();
    auto required_schema = ParseSemver(schema);
    if (!required_schema) {
      *error = std::string("plugin_get_required_event_schema_version is not semver: '") +
               (schema == nullptr ? "(null)" : schema) + "'";
      return nullptr;
    }
    if (!Compatible(*required_schema, kSchemaMajor, kSchemaMinor, kSchemaPatch)) {
      *error = std::string("plugin requires event schema ") + schema + ", incompatible with host 4.0.0";
      return nullptr;
    }
  }

  if (extraction && !host->ParseFieldsJson(error)) return nullptr;
  if (async) {
    auto names = StringList(a.get_async_events());
    if (!names || names->empty()) {
      *error = "plugin_get_async_events is not a non-empty JSON array of strings";
      return nullptr;
    }
    host->async_names_ = *names;
  }

  host->parse_all_types_ = parsing && HasSyscall(*parse_sources);
  host->extract_all_types_ = extraction && HasSyscall(*extract_sources);
  host->parse_types_.assign(65536, host->parse_all_types_);
  host->extract_types_.assign(65536, host->extract_all_types_);
  return host;
}

bool PluginHost::ParseFieldsJson(std::string* error) {
  const char* json = api_.get_fields();
  if (json == nullptr) {
    *error = "plugin_get_fields returned NULL";
    return false;
  }
  fields_json_ = json;
  auto parsed = nlohmann::json::parse(fields_json_, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    *error = "plugin_get_fields is not a JSON array";
    return false;
  }
  for (const auto& f : parsed) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type") ||
        !f["type"].is_string()) {
      *error = "plugin_get_fields: entry without string name/type: " + f.dump();
      return false;
    }
    FieldInfo info;
    info.name = f["name"].get<std::string>();
    auto type = FieldTypeCode(f["type"].get<std::string>());
    if (!type) {
      *error = "plugin_get_fields: field " + info.name + " has unknown type " + f["type"].get<std::string>();
      return false;
    }
    info.ftype = *type;
    info.is_list = f.value("isList", false);
    if (f.contains("arg") && f["arg"].is_object()) {
      info.arg_required = f["arg"].value("isRequired", false);
      info.arg_index = f["arg"].value("isIndex", false);
      info.arg_key = f["arg"].value("isKey", false);
    }
    info.add_output = f.contains("addOutput") && f["addOutput"].is_boolean() && f["addOutput"].get<bool>();
    if (field_ids_.count(info.name) != 0) {
      *error = "plugin_get_fields: duplicate field " + info.name;
      return false;
    }
    field_ids_[info.name] = static_cast<uint32_t>(fields_.size());
    fields_.push_back(std::move(info));
  }
  return true;
}

PluginHost::~PluginHost() {
  if (state_ != nullptr && api_.destroy != nullptr) api_.destroy(state_);
  state_ = nullptr;
  if (dl_ != nullptr) dlclose(dl_);
}

bool PluginHost::Init(const std::string& config, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (state_ != nullptr) {
    *error = "host: plugin already initialized";
    return false;
  }
  auto* vt = TableVtables();
  tables_input_ = ss_plugin_init_tables_input{};
  tables_input_.list_tables = Callbacks::ListTables;
  tables_input_.get_table = Callbacks::GetTable;
  tables_input_.add_table = Callbacks::AddTable;
  tables_input_.fields = vt->fields;
  tables_input_.fields_ext = &vt->fields_ext;
  tables_input_.reader_ext = &vt->reader_ext;
  tables_input_.writer_ext = &vt->writer_ext;
  ss_plugin_init_input in{};
  in.config = config.c_str();
  in.owner = this;
  in.get_owner_last_error = Callbacks::GetOwnerLastError;
  in.tables = &tables_input_;
  in.log_fn = Callbacks::Log;

  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  ss_plugin_t* state = api_.init(&in, &rc);
  if (rc != SS_PLUGIN_SUCCESS) {
    const char* why = state != nullptr ? api_.get_last_error(state) : nullptr;
    *error = why != nullptr ? why : "plugin_init failed without an error message";
    last_error_ = *error;
    if (state != nullptr) api_.destroy(state);
    registered_.clear();  // the tables it registered died with it
    return false;
  }
  if (state == nullptr) {
    *error = "host: plugin_init returned success and a NULL state";
    last_error_ = *error;
    return false;
  }
  state_ = state;
  if (parse_all_types_ && api_.get_parse_event_types != nullptr) {
    auto types = TypeList(api_.get_parse_event_types, state_);
    if (!types.empty()) {
      parse_types_.assign(65536, false);
      for (auto t : types) parse_types_[t] = true;
    }
  }
  if (extract_all_types_ && api_.get_extract_event_types != nullptr) {
    auto types = TypeList(api_.get_extract_event_types, state_);
    if (!types.empty()) {
      extract_types_.assign(65536, false);
      for (auto t : types) extract_types_[t] = true;
    }
  }
  return true;
}

// ---------------------------------------------------------------- threads

void PluginHost::AddThread(const ThreadSpec& spec) {
  threads_.Put(spec);
}
void PluginHost::RemoveThread(int64_t tid) {
  threads_.Remove(tid);
}
void PluginHost::ClearThreads() {
  threads_.RemoveAll();
}
size_t PluginHost::ThreadCount() const {
  return threads_.Count();
}

std::optional<std::string> PluginHost::ThreadContainerId(int64_t tid) const {
  return ThreadDynamicString(tid, "container_id");
}

std::optional<uint16_t> PluginHost::ThreadCategory(int64_t tid) const {
  auto v = threads_.DynamicValue(tid, "category", SS_PLUGIN_ST_UINT16);
  if (!v) return std::nullopt;
  return v->scalar.u16;
}

std::optional<std::string> PluginHost::ThreadDynamicString(int64_t tid, const std::string& field) const {
  auto v = threads_.DynamicValue(tid, field, SS_PLUGIN_ST_STRING);
  if (!v) return std::nullopt;
  return v->str;
}

std::optional<uint64_t> PluginHost::ThreadDynamicUint(int64_t tid, const std::string& field,
                                                      ss_plugin_state_type type) const {
  auto v = threads_.DynamicValue(tid, field, type);
  if (!v) return std::nullopt;
  switch (type) {
    case SS_PLUGIN_ST_UINT8:
      return v->scalar.u8;
    case SS_PLUGIN_ST_UINT16:
      return v->scalar.u16;
    case SS_PLUGIN_ST_UINT32:
      return v->scalar.u32;
    case SS_PLUGIN_ST_BOOL:
      return v->scalar.b;
    default:
      return v->scalar.u64;
  }
}

void PluginHost::FailNextThreadReads(int64_t tid) {
  if (auto* e = threads_.FindMutable(tid)) e->fail_reads = true;
}

void PluginHost::ClearFailThreadReads(int64_t tid) {
  if (auto* e = threads_.FindMutable(tid)) e->fail_reads = false;
}

// ---------------------------------------------------------------- events

ss_plugin_event_parse_input PluginHost::ParseInput() {
  auto* vt = TableVtables();
  ss_plugin_event_parse_input in{};
  in.owner = this;
  in.get_owner_last_error = Callbacks::GetOwnerLastError;
  in.table_reader = vt->reader;
  in.table_writer = vt->writer;
  in.table_reader_ext = &vt->reader_ext;
  in.table_writer_ext = &vt->writer_ext;
  return in;
}

ss_plugin_field_extract_input PluginHost::ExtractInput(ss_plugin_extract_field* fields, uint32_t num_fields) {
  auto* vt = TableVtables();
  ss_plugin_field_extract_input in{};
  in.owner = this;
  in.get_owner_last_error = Callbacks::GetOwnerLastError;
  in.num_fields = num_fields;
  in.fields = fields;
  in.table_reader = vt->reader;
  in.table_reader_ext = &vt->reader_ext;
  in.value_offsets = nullptr;
  return in;
}

void PluginHost::PluginError(const char* what) {
  const char* why = state_ != nullptr ? api_.get_last_error(state_) : nullptr;
  last_error_ = why != nullptr && *why != '\0' ? why : std::string(what) + " failed without an error message";
}

ss_plugin_rc PluginHost::ProcessEvent(const std::vector<uint8_t>& event) {
  auto header = events::ReadHeader(event);
  if (!header || header->len != event.size()) {
    // libsinsp never hands out an event whose len disagrees with its size.
    HostError("event shorter than its header or len != size");
    return SS_PLUGIN_FAILURE;
  }
  ++evtnum_;
  last_event_ = event;
  if (state_ == nullptr || api_.parse_event == nullptr || !parse_types_[header->type])
    return SS_PLUGIN_SUCCESS;
  ss_plugin_event_input in{reinterpret_cast<const ss_plugin_event*>(last_event_.data()), evtnum_, "syscall"};
  auto parse = ParseInput();
  const ss_plugin_rc rc = api_.parse_event(state_, &in, &parse);
  if (rc != SS_PLUGIN_SUCCESS) PluginError("plugin_parse_event");
  return rc;
}

ss_plugin_rc PluginHost::Parse(const std::vector<uint8_t>& event) {
  return ProcessEvent(event);
}

std::optional<uint32_t> PluginHost::FieldId(const std::string& name) const {
  auto it = field_ids_.find(name);
  if (it == field_ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<ss_plugin_extract_field> PluginHost::MakeExtractField(const std::string& name,
                                                                    const char* arg_key,
                                                                    std::optional<uint64_t> arg_index) const {
  auto id = FieldId(name);
  if (!id) return std::nullopt;
  const auto& info = fields_[*id];
  ss_plugin_extract_field f{};
  f.res.u64 = nullptr;
  f.res_len = 0;
  f.field_id = *id;
  f.field = info.name.c_str();
  f.arg_key = arg_key;
  f.arg_index = arg_index.value_or(0);
  f.arg_present = (arg_key != nullptr || arg_index.has_value()) ? 1 : 0;
  f.ftype = info.ftype;
  f.flist = info.is_list ? 1 : 0;
  return f;
}

std::optional<ExtractedField> PluginHost::Extract(const std::vector<uint8_t>& event, const std::string& field,
                                                  std::optional<std::string> arg_key,
                                                  std::optional<uint64_t> arg_index) {
  auto request = MakeExtractField(field, arg_key ? arg_key->c_str() : nullptr, arg_index);
  if (!request) {
    HostError("unknown field " + field);
    return std::nullopt;
  }
  std::vector<ss_plugin_extract_field> requests{*request};
  auto out = ExtractRequests(event, requests);
  if (!out) return std::nullopt;
  return (*out)[0];
}

std::optional<std::vector<ExtractedField>> PluginHost::ExtractMany(const std::vector<uint8_t>& event,
                                                                   const std::vector<std::string>& fields) {
  std::vector<ss_plugin_extract_field> requests;
  for (const auto& name : fields) {
    auto request = MakeExtractField(name);
    if (!request) {
      HostError("unknown field " + name);
      return std::nullopt;
    }
    requests.push_back(*request);
  }
  return ExtractRequests(event, requests);
}

std::optional<std::vector<ExtractedField>> PluginHost::ExtractRequests(
    const std::vector<uint8_t>& event, std::vector<ss_plugin_extract_field>& requests) {
  if (state_ == nullptr || api_.extract_fields == nullptr) {
    HostError("no initialized plugin with field extraction");
    return std::nullopt;
  }
  auto header = events::ReadHeader(event);
  if (!header || header->len != event.size()) {
    HostError("event shorter than its header or len != size");
    return std::nullopt;
  }
  if (event != last_event_) {
    if (auto_parse_) {
      ProcessEvent(event);  // a parse failure does not stop extraction here
    } else {
      ++evtnum_;
      last_event_ = event;
    }
  }
  std::vector<ExtractedField> out(requests.size());
  if (!extract_types_[header->type]) return out;  // sinsp does not ask: every field NULL

  ss_plugin_event_input in{reinterpret_cast<const ss_plugin_event*>(last_event_.data()), evtnum_, "syscall"};
  auto input = ExtractInput(requests.data(), static_cast<uint32_t>(requests.size()));
  if (api_.extract_fields(state_, &in, &input) != SS_PLUGIN_SUCCESS) {
    PluginError("plugin_extract_fields");
    return std::nullopt;
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    auto& o = out[i];
    if (r.res_len == 0) continue;
    if (r.res.u64 == nullptr) {
      HostError(std::string("field ") + r.field + ": res_len > 0 but res is NULL");
      return std::nullopt;
    }
    if (r.res_len > 1 && r.flist == 0) {
      HostError(std::string("field ") + r.field + ": " + std::to_string(r.res_len) +
                " values for a non-list field");
      return std::nullopt;
    }
    o.present = true;
    for (uint64_t k = 0; k < r.res_len; ++k) {
      switch (r.ftype) {
        case FTYPE_STRING:
          if (r.res.str[k] == nullptr) {
            HostError(std::string("field ") + r.field + ": NULL string pointer in results");
            return std::nullopt;
          }
          o.strs.emplace_back(r.res.str[k]);
          break;
        case FTYPE_BOOL:
          o.u64s.push_back(r.res.boolean[k]);
          break;
        case FTYPE_IPADDR:
        case FTYPE_IPNET: {
          const auto& b = r.res.buf[k];
          o.strs.emplace_back(static_cast<const char*>(b.ptr), b.ptr == nullptr ? 0 : b.len);
          break;
        }
        default:
          o.u64s.push_back(r.res.u64[k]);
          break;
      }
    }
    if (!o.strs.empty()) o.str = o.strs.front();
    if (!o.u64s.empty()) o.u64 = o.u64s.front();
  }
  return out;
}

// ---------------------------------------------------------------- capture listening

ss_plugin_rc PluginHost::CaptureOpen() {
  if (state_ == nullptr || api_.capture_open == nullptr) {
    HostError("no initialized plugin with capture listening");
    return SS_PLUGIN_NOT_SUPPORTED;
  }
  auto* vt = TableVtables();
  routine_vtable_.subscribe = Callbacks::Subscribe;
  routine_vtable_.unsubscribe = Callbacks::Unsubscribe;
  ss_plugin_capture_listen_input in{this, &routine_vtable_, &vt->reader_ext, &vt->writer_ext,
                                    Callbacks::GetOwnerLastError};
  const ss_plugin_rc rc = api_.capture_open(state_, &in);
  if (rc != SS_PLUGIN_SUCCESS) PluginError("plugin_capture_open");
  return rc;
}

ss_plugin_rc PluginHost::CaptureClose() {
  if (state_ == nullptr || api_.capture_close == nullptr) {
    HostError("no initialized plugin with capture listening");
    return SS_PLUGIN_NOT_SUPPORTED;
  }
  auto* vt = TableVtables();
  routine_vtable_.subscribe = Callbacks::Subscribe;
  routine_vtable_.unsubscribe = Callbacks::Unsubscribe;
  ss_plugin_capture_listen_input in{this, &routine_vtable_, &vt->reader_ext, &vt->writer_ext,
                                    Callbacks::GetOwnerLastError};
  const ss_plugin_rc rc = api_.capture_close(state_, &in);
  if (rc != SS_PLUGIN_SUCCESS) PluginError("plugin_capture_close");
  return rc;
}

void PluginHost::RunRoutinesOnce() {
  auto snapshot = routines_;
  for (const auto& r : snapshot) {
    if (r.fn(state_, r.state) == 0) {
      Callbacks::Unsubscribe(this, reinterpret_cast<ss_plugin_routine_t*>(static_cast<uintptr_t>(r.handle)));
    }
  }
}

// ---------------------------------------------------------------- async events

bool PluginHost::ValidateAsync(const ss_plugin_event* evt, std::vector<uint8_t>* copy, std::string* why) {
  if (evt == nullptr) {
    *why = "NULL event";
    return false;
  }
  ss_plugin_event h;
  std::memcpy(&h, evt, sizeof(h));
  if (h.type != events::kAsyncEvent) {
    *why = "async event of type " + std::to_string(h.type) + ", expected 402";
    return false;
  }
  if (h.nparams != 3) {
    *why = "async event with " + std::to_string(h.nparams) + " params, expected 3";
    return false;
  }
  const size_t lens_end = events::kHeaderSize + 3 * sizeof(uint32_t);
  if (h.len < lens_end) {
    *why = "async event len " + std::to_string(h.len) + " shorter than its header";
    return false;
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(evt);
  uint32_t lens[3];
  std::memcpy(lens, bytes + events::kHeaderSize, sizeof(lens));
  const uint64_t total = uint64_t{lens_end} + lens[0] + lens[1] + lens[2];
  if (total != h.len) {
    *why =
        "async event params add up to " + std::to_string(total) + " bytes, len says " + std::to_string(h.len);
    return false;
  }
  if (lens[0] != sizeof(uint32_t)) {
    *why = "async event plugin_id param is " + std::to_string(lens[0]) + " bytes";
    return false;
  }
  const char* name = reinterpret_cast<const char*>(bytes + lens_end + lens[0]);
  if (lens[1] < 2 || name[lens[1] - 1] != '\0' || std::strlen(name) != lens[1] - 1) {
    *why = "async event name is not a NUL-terminated non-empty string";
    return false;
  }
  if (std::find(async_names_.begin(), async_names_.end(), name) == async_names_.end()) {
    *why = std::string("async event name '") + name + "' is not in plugin_get_async_events";
    return false;
  }
  copy->assign(bytes, bytes + h.len);
  // The framework fills plugin_id; a plugin without an event source has id 0.
  const uint32_t plugin_id = 0;
  std::memcpy(copy->data() + lens_end, &plugin_id, sizeof(plugin_id));
  if (h.ts == UINT64_MAX) {
    const uint64_t ts = StampNow();
    std::memcpy(copy->data(), &ts, sizeof(ts));
  }
  return true;
}

uint64_t PluginHost::StampNow() {
  // Wall clock (comparable with syscall timestamps), never going backwards.
  std::lock_guard<std::mutex> lock(stamp_mutex_);
  uint64_t now = events::NowNs();
  if (now <= last_stamp_) now = last_stamp_ + 1;
  last_stamp_ = now;
  return now;
}

ss_plugin_rc PluginHost::EnableAsync() {
  if (state_ == nullptr || api_.set_async_event_handler == nullptr) {
    HostError("no initialized plugin with async events");
    return SS_PLUGIN_NOT_SUPPORTED;
  }
  {
    // Armed before the call: plugins may emit synchronously from inside it.
    std::lock_guard<std::mutex> lock(async_mutex_);
    async_enabled_ = true;
  }
  const ss_plugin_rc rc = api_.set_async_event_handler(state_, this, Callbacks::AsyncHandler);
  if (rc != SS_PLUGIN_SUCCESS) {
    PluginError("plugin_set_async_event_handler");
    std::lock_guard<std::mutex> lock(async_mutex_);
    async_enabled_ = false;
  }
  return rc;
}

ss_plugin_rc PluginHost::DisableAsync() {
  if (state_ == nullptr || api_.set_async_event_handler == nullptr) {
    HostError("no initialized plugin with async events");
    return SS_PLUGIN_NOT_SUPPORTED;
  }
  // Disarmed after the call: the plugin may emit until it returns.
  const ss_plugin_rc rc = api_.set_async_event_handler(state_, this, nullptr);
  if (rc != SS_PLUGIN_SUCCESS) PluginError("plugin_set_async_event_handler(NULL)");
  std::lock_guard<std::mutex> lock(async_mutex_);
  async_enabled_ = false;
  return rc;
}

bool PluginHost::async_enabled() const {
  std::lock_guard<std::mutex> lock(async_mutex_);
  return async_enabled_;
}

std::vector<std::vector<uint8_t>> PluginHost::TakeAsyncEvents() {
  std::lock_guard<std::mutex> lock(async_mutex_);
  std::vector<std::vector<uint8_t>> out(std::make_move_iterator(async_queue_.begin()),
                                        std::make_move_iterator(async_queue_.end()));
  async_queue_.clear();
  return out;
}

size_t PluginHost::PendingAsyncEvents() const {
  std::lock_guard<std::mutex> lock(async_mutex_);
  return async_queue_.size();
}

bool PluginHost::WaitForAsyncEvents(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(async_mutex_);
  return async_cv_.wait_for(lock, timeout, [&] { return async_queue_.size() >= count; });
}

size_t PluginHost::DeliverAsyncEvents() {
  last_delivered_ = TakeAsyncEvents();
  for (const auto& e : last_delivered_) ProcessEvent(e);
  return last_delivered_.size();
}

std::vector<std::string> PluginHost::RejectedAsyncErrors() const {
  std::lock_guard<std::mutex> lock(async_mutex_);
  return async_rejected_;
}

uint64_t PluginHost::LateAsyncEventCount() const {
  std::lock_guard<std::mutex> lock(async_mutex_);
  return async_late_;
}

std::vector<std::vector<uint8_t>> PluginHost::DumpState() {
  if (state_ == nullptr || api_.dump_state == nullptr) {
    HostError("no initialized plugin with dump_state");
    return {};
  }
  {
    std::lock_guard<std::mutex> lock(async_mutex_);
    dump_events_.clear();
  }
  if (api_.dump_state(state_, this, Callbacks::DumpHandler) != SS_PLUGIN_SUCCESS)
    PluginError("plugin_dump_state");
  std::lock_guard<std::mutex> lock(async_mutex_);
  return std::move(dump_events_);
}

// ---------------------------------------------------------------- description

std::string PluginHost::InitSchema() const {
  if (api_.get_init_schema == nullptr) return "";
  ss_plugin_schema_type type = SS_PLUGIN_SCHEMA_NONE;
  const char* schema = api_.get_init_schema(&type);
  return schema == nullptr || type == SS_PLUGIN_SCHEMA_NONE ? "" : schema;
}

std::string PluginHost::Name() const {
  const char* s = api_.get_name();
  return s == nullptr ? "" : s;
}

std::string PluginHost::Version() const {
  const char* s = api_.get_version();
  return s == nullptr ? "" : s;
}

std::string PluginHost::RequiredApiVersion() const {
  const char* s = api_.get_required_api_version();
  return s == nullptr ? "" : s;
}

std::string PluginHost::RequiredEventSchemaVersion() const {
  if (api_.get_required_event_schema_version == nullptr) return "";
  const char* s = api_.get_required_event_schema_version();
  return s == nullptr ? "" : s;
}

std::vector<uint16_t> PluginHost::ParseEventTypes() {
  return state_ == nullptr ? std::vector<uint16_t>{} : TypeList(api_.get_parse_event_types, state_);
}

std::vector<uint16_t> PluginHost::ExtractEventTypes() {
  return state_ == nullptr ? std::vector<uint16_t>{} : TypeList(api_.get_extract_event_types, state_);
}

std::vector<Metric> PluginHost::Metrics() {
  std::vector<Metric> out;
  if (state_ == nullptr || api_.get_metrics == nullptr) return out;
  uint32_t n = 0;
  ss_plugin_metric* metrics = api_.get_metrics(state_, &n);
  if (metrics == nullptr) return out;
  for (uint32_t i = 0; i < n; ++i) {
    const auto& m = metrics[i];
    uint64_t value = 0;
    switch (m.value_type) {
      case SS_PLUGIN_METRIC_VALUE_TYPE_U32:
        value = m.value.u32;
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_S32:
        value = static_cast<uint64_t>(m.value.s32);
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_U64:
        value = m.value.u64;
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_S64:
        value = static_cast<uint64_t>(m.value.s64);
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_D:
        value = static_cast<uint64_t>(m.value.d);
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_F:
        value = static_cast<uint64_t>(m.value.f);
        break;
      case SS_PLUGIN_METRIC_VALUE_TYPE_I:
        value = static_cast<uint64_t>(m.value.i);
        break;
    }
    out.push_back(Metric{m.name == nullptr ? "" : m.name, value, m.type == SS_PLUGIN_METRIC_TYPE_MONOTONIC});
  }
  return out;
}

ss_plugin_rc PluginHost::SetConfig(const std::string& config) {
  if (state_ == nullptr || api_.set_config == nullptr) {
    HostError("no initialized plugin with set_config");
    return SS_PLUGIN_NOT_SUPPORTED;
  }
  ss_plugin_set_config_input in{config.c_str()};
  const ss_plugin_rc rc = api_.set_config(state_, &in);
  if (rc != SS_PLUGIN_SUCCESS) PluginError("plugin_set_config");
  return rc;
}

// ---------------------------------------------------------------- exported tables

std::vector<std::string> PluginHost::RegisteredTableNames() const {
  std::vector<std::string> out;
  for (const auto& t : registered_) out.push_back(t.name);
  return out;
}

const PluginHost::RegisteredTable* PluginHost::FindTable(const std::string& name) const {
  for (const auto& t : registered_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

ss_plugin_table_field_t* PluginHost::ContainersField(const RegisteredTable& t, const std::string& name,
                                                     ss_plugin_state_type type) {
  const auto key = std::make_pair(name, static_cast<int>(type));
  auto it = containers_fields_.find(key);
  if (it != containers_fields_.end()) return it->second;
  auto get =
      t.input.fields_ext != nullptr ? t.input.fields_ext->get_table_field : t.input.fields.get_table_field;
  if (get == nullptr) return nullptr;
  ss_plugin_table_field_t* f = get(t.input.table, name.c_str(), type);
  if (f != nullptr) containers_fields_[key] = f;  // accessors stay valid for the table's life
  return f;
}

template <typename Fn>
bool PluginHost::WithContainersEntry(const std::string& id, Fn&& fn) {
  const auto* t = FindTable("containers");
  if (t == nullptr || t->input.reader_ext == nullptr) return false;
  const auto& r = *t->input.reader_ext;
  ss_plugin_state_data key{};
  key.str = id.c_str();
  ss_plugin_table_entry_t* e = r.get_table_entry(t->input.table, &key);
  if (e == nullptr) return false;
  fn(*t, r, e);
  if (r.release_table_entry != nullptr) r.release_table_entry(t->input.table, e);
  return true;
}

std::optional<uint64_t> PluginHost::ContainersTableSize() {
  const auto* t = FindTable("containers");
  if (t == nullptr || t->input.reader_ext == nullptr || t->input.reader_ext->get_table_size == nullptr) {
    return std::nullopt;
  }
  return t->input.reader_ext->get_table_size(t->input.table);
}

std::optional<std::string> PluginHost::ContainersTableString(const std::string& id,
                                                             const std::string& field) {
  const auto* t = FindTable("containers");
  if (t == nullptr) return std::nullopt;
  auto* f = ContainersField(*t, field, SS_PLUGIN_ST_STRING);
  if (f == nullptr) return std::nullopt;
  std::optional<std::string> out;
  WithContainersEntry(id, [&](const RegisteredTable& tt, const ss_plugin_table_reader_vtable_ext& r,
                              ss_plugin_table_entry_t* e) {
    ss_plugin_state_data data{};
    if (r.read_entry_field(tt.input.table, e, f, &data) == SS_PLUGIN_SUCCESS) {
      out = data.str == nullptr ? std::string() : std::string(data.str);
    }
  });
  return out;
}

std::optional<uint32_t> PluginHost::ContainersTableU32(const std::string& id, const std::string& field) {
  const auto* t = FindTable("containers");
  if (t == nullptr) return std::nullopt;
  auto* f = ContainersField(*t, field, SS_PLUGIN_ST_UINT32);
  if (f == nullptr) return std::nullopt;
  std::optional<uint32_t> out;
  WithContainersEntry(id, [&](const RegisteredTable& tt, const ss_plugin_table_reader_vtable_ext& r,
                              ss_plugin_table_entry_t* e) {
    ss_plugin_state_data data{};
    if (r.read_entry_field(tt.input.table, e, f, &data) == SS_PLUGIN_SUCCESS) out = data.u32;
  });
  return out;
}

std::vector<std::pair<std::string, ss_plugin_state_type>> PluginHost::ContainersTableFields() {
  std::vector<std::pair<std::string, ss_plugin_state_type>> out;
  const auto* t = FindTable("containers");
  if (t == nullptr || t->input.fields_ext == nullptr || t->input.fields_ext->list_table_fields == nullptr)
    return out;
  uint32_t n = 0;
  auto* infos = t->input.fields_ext->list_table_fields(t->input.table, &n);
  if (infos == nullptr) return out;
  for (uint32_t i = 0; i < n; ++i)
    out.emplace_back(infos[i].name == nullptr ? "" : infos[i].name, infos[i].field_type);
  return out;
}

std::optional<std::vector<std::string>> PluginHost::ContainersTableIds() {
  const auto* t = FindTable("containers");
  if (t == nullptr || t->input.reader_ext == nullptr || t->input.reader_ext->iterate_entries == nullptr) {
    return std::nullopt;
  }
  auto* f = ContainersField(*t, "id", SS_PLUGIN_ST_STRING);
  if (f == nullptr) return std::nullopt;
  struct State {
    const RegisteredTable* table;
    ss_plugin_table_field_t* field;
    std::vector<std::string> ids;
    bool ok = true;
  } state{t, f, {}};
  t->input.reader_ext->iterate_entries(
      t->input.table,
      [](ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* e) -> ss_plugin_bool {
        auto* st = static_cast<State*>(s);
        ss_plugin_state_data data{};
        if (st->table->input.reader_ext->read_entry_field(st->table->input.table, e, st->field, &data) !=
            SS_PLUGIN_SUCCESS) {
          st->ok = false;
          return 0;
        }
        st->ids.emplace_back(data.str == nullptr ? "" : data.str);
        return 1;
      },
      &state);
  if (!state.ok) return std::nullopt;
  return state.ids;
}

// ---------------------------------------------------------------- logs / errors

void PluginHost::AddLog(LogLine line) {
  if (log_to_stderr_) {
    std::fprintf(stderr, "[%s] %s: %s\n", SeverityName(line.severity), line.component.c_str(),
                 line.message.c_str());
  }
  std::lock_guard<std::mutex> lock(log_mutex_);
  logs_.push_back(std::move(line));
}

std::vector<LogLine> PluginHost::Logs() const {
  std::lock_guard<std::mutex> lock(log_mutex_);
  return logs_;
}

void PluginHost::ClearLogs() {
  std::lock_guard<std::mutex> lock(log_mutex_);
  logs_.clear();
}

std::string PluginHost::LastError() const {
  return last_error_;
}

}  // namespace testhost
