// A stand-in for libsinsp: loads a plugin .so with dlopen and drives it only
// through its exported plugin_* symbols, playing the host's part (threads
// table, table registry, async event handler, logger, event numbering) the
// way libsinsp does, so tests exercise the plugin as Falco would.
//
// Threading: everything except the async handler the plugin calls runs on
// the caller's thread, like libsinsp's event loop. The async queue and the
// log are thread-safe (engine watcher threads emit and log).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/event_builder.h"
#include "host/thread_table.h"
#include "plugin/plugin_api.h"

namespace testhost {

struct ExtractedField {
  bool present = false;
  std::string str;
  uint64_t u64 = 0;  // also bool, abstime, reltime
  // Every value of a list field (isList); the first one is also in str/u64.
  std::vector<std::string> strs;
  std::vector<uint64_t> u64s;
};

struct Metric {
  std::string name;
  uint64_t value;
  bool monotonic;
};

struct LogLine {
  std::string component, message;
  ss_plugin_log_severity severity;
};

// A field as the plugin declares it in plugin_get_fields.
struct FieldInfo {
  std::string name;
  uint32_t ftype = FTYPE_STRING;
  bool is_list = false;
  bool arg_required = false, arg_index = false, arg_key = false;
  // Suggested output: libsinsp reads only a top-level boolean "addOutput".
  bool add_output = false;
};

// Every symbol the host may resolve; optional ones may be null.
struct PluginApi {
  const char* (*get_required_api_version)() = nullptr;
  const char* (*get_required_event_schema_version)() = nullptr;
  const char* (*get_name)() = nullptr;
  const char* (*get_version)() = nullptr;
  const char* (*get_description)() = nullptr;
  const char* (*get_contact)() = nullptr;
  const char* (*get_init_schema)(ss_plugin_schema_type*) = nullptr;
  ss_plugin_t* (*init)(const ss_plugin_init_input*, ss_plugin_rc*) = nullptr;
  void (*destroy)(ss_plugin_t*) = nullptr;
  const char* (*get_last_error)(ss_plugin_t*) = nullptr;
  const char* (*get_fields)() = nullptr;
  const char* (*get_extract_event_sources)() = nullptr;
  uint16_t* (*get_extract_event_types)(uint32_t*, ss_plugin_t*) = nullptr;
  ss_plugin_rc (*extract_fields)(ss_plugin_t*, const ss_plugin_event_input*,
                                 const ss_plugin_field_extract_input*) = nullptr;
  const char* (*get_parse_event_sources)() = nullptr;
  uint16_t* (*get_parse_event_types)(uint32_t*, ss_plugin_t*) = nullptr;
  ss_plugin_rc (*parse_event)(ss_plugin_t*, const ss_plugin_event_input*,
                              const ss_plugin_event_parse_input*) = nullptr;
  const char* (*get_async_event_sources)() = nullptr;
  const char* (*get_async_events)() = nullptr;
  ss_plugin_rc (*set_async_event_handler)(ss_plugin_t*, ss_plugin_owner_t*,
                                          ss_plugin_async_event_handler_t) = nullptr;
  ss_plugin_rc (*dump_state)(ss_plugin_t*, ss_plugin_owner_t*, ss_plugin_async_event_handler_t) = nullptr;
  ss_plugin_rc (*set_config)(ss_plugin_t*, const ss_plugin_set_config_input*) = nullptr;
  ss_plugin_metric* (*get_metrics)(ss_plugin_t*, uint32_t*) = nullptr;
  ss_plugin_rc (*capture_open)(ss_plugin_t*, const ss_plugin_capture_listen_input*) = nullptr;
  ss_plugin_rc (*capture_close)(ss_plugin_t*, const ss_plugin_capture_listen_input*) = nullptr;
};

class PluginHost : public ErrorSink {
 public:
  // The plugin API and event schema versions this host implements.
  static constexpr int kApiMajor = 3, kApiMinor = 12, kApiPatch = 0;
  static constexpr int kSchemaMajor = 4, kSchemaMinor = 0, kSchemaPatch = 0;

  // dlopen + resolve symbols + the checks libsinsp makes before init (required
  // symbols, API version 3.x <= 3.12.0, event schema 4.x <= 4.0.0, capabilities
  // implemented in full, fields JSON parsable). nullptr and *error on failure.
  static std::unique_ptr<PluginHost> Load(const std::string& so_path, std::string* error);
  ~PluginHost() override;  // plugin_destroy then dlclose
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // plugin_init; on failure *error = plugin_get_last_error and the state is
  // destroyed (as libsinsp does). Also reads parse/extract event types.
  bool Init(const std::string& config, std::string* error);
  bool initialized() const { return state_ != nullptr; }

  // --- threads table (the host's; the plugin reads it and adds fields) ---
  void AddThread(const ThreadSpec& spec);  // replaces a thread with the same tid
  void RemoveThread(int64_t tid);
  void ClearThreads();
  size_t ThreadCount() const;
  // Plugin-added string field `container_id`; nullopt if thread or field missing.
  std::optional<std::string> ThreadContainerId(int64_t tid) const;
  // Plugin-added uint16 field `category`.
  std::optional<uint16_t> ThreadCategory(int64_t tid) const;
  // Any plugin-added field, read host-side; nullopt if thread/field missing or typed otherwise.
  std::optional<std::string> ThreadDynamicString(int64_t tid, const std::string& field) const;
  std::optional<uint64_t> ThreadDynamicUint(int64_t tid, const std::string& field,
                                            ss_plugin_state_type type) const;
  // From now on every read of that thread's fields through the API fails
  // (until ClearFailThreadReads or the thread is replaced/removed).
  void FailNextThreadReads(int64_t tid);
  void ClearFailThreadReads(int64_t tid);
  // Entries acquired with get_table_entry and not released (a plugin leak if
  // non-zero between calls), and scratch entries never destroyed.
  int64_t OutstandingThreadRefs() const { return threads_.OutstandingRefs(); }
  size_t DetachedThreadEntries() const { return threads_.DetachedEntries(); }
  // Strict (default): each string read gets a fresh buffer and frees the
  // previous one, so stale pointers show up under ASan. Benchmarks turn it off.
  void set_strict_string_lifetime(bool strict) { strict_strings_ = strict; }
  ThreadsTable& threads_table() { return threads_; }

  // --- events; numbered 1, 2, 3... like sinsp's evtnum ---
  // Delivers the event to plugin_parse_event if its type is one the plugin
  // asked for (plugin_get_parse_event_types; empty list = all), else returns
  // SS_PLUGIN_SUCCESS without calling. Every call takes a new evtnum.
  ss_plugin_rc Parse(const std::vector<uint8_t>& event);
  // plugin_extract_fields for one field. sinsp parses every event before
  // filters see it: if `event` is not byte-equal to the last processed event,
  // it is processed first (new evtnum + Parse) unless auto_parse is off.
  // nullopt when the plugin returned failure (LastError has the plugin's
  // error) or the field is unknown; present=false when the value is NULL.
  std::optional<ExtractedField> Extract(const std::vector<uint8_t>& event, const std::string& field,
                                        std::optional<std::string> arg_key = std::nullopt,
                                        std::optional<uint64_t> arg_index = std::nullopt);
  // Several fields in one plugin_extract_fields call (names without args).
  std::optional<std::vector<ExtractedField>> ExtractMany(const std::vector<uint8_t>& event,
                                                         const std::vector<std::string>& fields);
  void set_auto_parse(bool on) { auto_parse_ = on; }
  uint64_t last_evtnum() const { return evtnum_; }

  // --- capture listening ---
  ss_plugin_rc CaptureOpen();
  ss_plugin_rc CaptureClose();
  // Routines the plugin subscribed through the capture-listen vtable; the
  // host never runs them by itself. RunRoutinesOnce calls each once and
  // drops those that return false.
  size_t RoutineCount() const { return routines_.size(); }
  void RunRoutinesOnce();

  // --- async events ---
  ss_plugin_rc EnableAsync();   // plugin_set_async_event_handler(handler)
  ss_plugin_rc DisableAsync();  // handler NULL
  bool async_enabled() const;
  std::vector<std::vector<uint8_t>> TakeAsyncEvents();
  size_t PendingAsyncEvents() const;
  bool WaitForAsyncEvents(size_t count, std::chrono::milliseconds timeout);
  // Like sinsp: parses every queued async event in order; returns how many.
  size_t DeliverAsyncEvents();
  // The events the last DeliverAsyncEvents parsed, to extract on them.
  const std::vector<std::vector<uint8_t>>& LastDeliveredAsyncEvents() const { return last_delivered_; }
  // Events the handler refused (with the error it wrote back), and calls made
  // while no handler was installed.
  std::vector<std::string> RejectedAsyncErrors() const;
  uint64_t LateAsyncEventCount() const;

  // plugin_dump_state; the events it emitted (validated like async ones).
  std::vector<std::vector<uint8_t>> DumpState();

  // --- plugin description ---
  std::string FieldsJson() const { return fields_json_; }
  std::string InitSchema() const;
  std::string Name() const;
  std::string Version() const;
  std::string RequiredApiVersion() const;
  std::string RequiredEventSchemaVersion() const;
  const std::vector<FieldInfo>& Fields() const { return fields_; }
  std::optional<uint32_t> FieldId(const std::string& name) const;
  std::vector<std::string> AsyncEventNames() const { return async_names_; }
  std::vector<uint16_t> ParseEventTypes();    // plugin_get_parse_event_types
  std::vector<uint16_t> ExtractEventTypes();  // plugin_get_extract_event_types
  std::vector<Metric> Metrics();
  ss_plugin_rc SetConfig(const std::string& config);

  // --- the plugin's exported tables, through the registry and its vtables ---
  std::vector<std::string> RegisteredTableNames() const;
  std::optional<uint64_t> ContainersTableSize();
  std::optional<std::string> ContainersTableString(const std::string& id, const std::string& field);
  std::optional<uint32_t> ContainersTableU32(const std::string& id, const std::string& field);
  // Fields as list_table_fields reports them (name, type).
  std::vector<std::pair<std::string, ss_plugin_state_type>> ContainersTableFields();
  // Keys of every entry, read through iterate_entries + field `id`.
  std::optional<std::vector<std::string>> ContainersTableIds();

  std::vector<LogLine> Logs() const;
  void ClearLogs();
  // The plugin's last error after a failed call, or the host's own error
  // (prefixed "host: ") when the host refused something.
  std::string LastError() const;
  // The owner's last error, as get_owner_last_error returns it to the plugin.
  std::string OwnerLastError() const { return owner_error_; }

  // --- raw access for benchmarks ---
  void* plugin_state() const { return state_; }  // ss_plugin_t*
  const PluginApi& api() const { return api_; }
  ss_plugin_owner_t* owner() { return this; }
  // Inputs shaped exactly as Parse/Extract build them; `fields` must outlive use.
  ss_plugin_event_parse_input ParseInput();
  ss_plugin_field_extract_input ExtractInput(ss_plugin_extract_field* fields, uint32_t num_fields);
  // A field request with field_id/ftype/flist from the fields JSON;
  // `arg_key` must outlive the request. nullopt for an unknown field.
  std::optional<ss_plugin_extract_field> MakeExtractField(
      const std::string& name, const char* arg_key = nullptr,
      std::optional<uint64_t> arg_index = std::nullopt) const;
  // Next evtnum, for callers driving plugin_* directly.
  uint64_t NextEvtnum() { return ++evtnum_; }

  // ErrorSink: tables report here.
  void SetOwnerError(std::string message) override { owner_error_ = std::move(message); }

 private:
  struct Callbacks;
  friend struct Callbacks;

  struct RegisteredTable {
    std::string name;
    ss_plugin_table_input input;
  };
  struct Routine {
    ss_plugin_routine_fn_t fn;
    ss_plugin_routine_state_t* state;
    uint64_t handle;
  };

  PluginHost() = default;
  bool ParseFieldsJson(std::string* error);
  std::optional<std::vector<ExtractedField>> ExtractRequests(const std::vector<uint8_t>& event,
                                                             std::vector<ss_plugin_extract_field>& requests);
  ss_plugin_rc ProcessEvent(const std::vector<uint8_t>& event);
  // Validates an async event like libsinsp; on success the copy to queue.
  bool ValidateAsync(const ss_plugin_event* evt, std::vector<uint8_t>* copy, std::string* why);
  uint64_t StampNow();
  void AddLog(LogLine line);
  const RegisteredTable* FindTable(const std::string& name) const;
  void HostError(std::string message) { last_error_ = "host: " + std::move(message); }
  void PluginError(const char* what);
  ss_plugin_table_field_t* ContainersField(const RegisteredTable& t, const std::string& name,
                                           ss_plugin_state_type type);
  template <typename Fn>
  bool WithContainersEntry(const std::string& id, Fn&& fn);

  void* dl_ = nullptr;
  PluginApi api_;
  ss_plugin_t* state_ = nullptr;
  bool log_to_stderr_ = false;

  // Tables.
  bool strict_strings_ = true;
  std::string owner_error_;
  ThreadsTable threads_{this, &strict_strings_};
  ss_plugin_init_tables_input tables_input_{};
  std::deque<RegisteredTable> registered_;
  std::vector<ss_plugin_table_info> table_infos_;
  std::map<std::pair<std::string, int>, ss_plugin_table_field_t*> containers_fields_;

  // Description.
  std::string fields_json_;
  std::vector<FieldInfo> fields_;
  std::unordered_map<std::string, uint32_t> field_ids_;
  std::vector<std::string> async_names_;
  bool parse_all_types_ = true;
  std::vector<bool> parse_types_;  // by event type
  bool extract_all_types_ = true;
  std::vector<bool> extract_types_;

  // Events.
  uint64_t evtnum_ = 0;
  bool auto_parse_ = true;
  std::vector<uint8_t> last_event_;
  std::string last_error_;

  // Capture listening.
  ss_plugin_routine_vtable routine_vtable_{};
  std::vector<Routine> routines_;
  uint64_t next_routine_ = 1;

  // Async.
  mutable std::mutex async_mutex_;
  std::condition_variable async_cv_;
  std::deque<std::vector<uint8_t>> async_queue_;
  std::vector<std::string> async_rejected_;
  uint64_t async_late_ = 0;
  bool async_enabled_ = false;
  std::mutex stamp_mutex_;
  uint64_t last_stamp_ = 0;
  std::vector<std::vector<uint8_t>> last_delivered_;
  std::vector<std::vector<uint8_t>> dump_events_;

  mutable std::mutex log_mutex_;
  std::vector<LogLine> logs_;
};

}  // namespace testhost
