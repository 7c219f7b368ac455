// The plugin instance behind the exported plugin_* functions: it ties the
// host's tables and events to the core (matcher, cache, field extraction).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/cgroup_match_cache.h"
#include "core/cgroup_matcher.h"
#include "core/container_cache.h"
#include "core/event_codec.h"
#include "core/field_extractor.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"
#include "plugin/async_emitter.h"
#include "plugin/containers_table.h"
#include "plugin/engine_sink.h"
#include "plugin/host_logger.h"
#include "plugin/plugin_api.h"
#include "plugin/thread_table.h"

namespace libcontainer {

class ContainerPlugin {
 public:
  // Throws ConfigError or std::runtime_error with a message for the host.
  explicit ContainerPlugin(const ss_plugin_init_input& input);
  ~ContainerPlugin();
  ContainerPlugin(const ContainerPlugin&) = delete;
  ContainerPlugin& operator=(const ContainerPlugin&) = delete;

  static const std::vector<uint16_t>& ParseEventTypes();

  ss_plugin_rc ParseEvent(const ss_plugin_event_input& event, const ss_plugin_event_parse_input& input);
  ss_plugin_rc ExtractFields(const ss_plugin_event_input& event, const ss_plugin_field_extract_input& input);
  ss_plugin_rc CaptureOpen(const ss_plugin_capture_listen_input& input);
  ss_plugin_rc SetAsyncEventHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  ss_plugin_rc DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  ss_plugin_metric* Metrics(uint32_t* count);

 private:
  using Reader = ThreadTable::Reader;
  using Writer = ThreadTable::Writer;

  // Sets container_id and category of one thread from its cgroups; false if
  // the thread's state could not be read or written.
  bool TagThread(const Reader& r, const Writer& w, ss_plugin_table_entry_t* entry);
  void TagThreadById(const Reader& r, const Writer& w, int64_t tid);
  ProcessCategory Categorize(const Reader& r, ss_plugin_table_entry_t* entry, const ContainerInfo* info);
  // lxc, libvirt-lxc, bpm: the cgroup is all we will ever know.
  void AddCgroupOnlyContainer(const CgroupMatch& match);
  void OnProcExit(const Reader& r, int64_t tid);
  void StartEngines();
  // Live capture: lets the engines' initial listings finish (within
  // engine_timeout) so the first events already see existing containers.
  void AwaitInitialListings();
  void StopEngines();
  void OnContainerEvent(uint64_t evtnum, std::string_view json, bool removed);
  void OnLegacyContainer(uint64_t evtnum, std::shared_ptr<ContainerInfo> info);
  void Store(uint64_t evtnum, std::shared_ptr<const ContainerInfo> info, bool removed);

  // What extraction resolved for the current event; reused across the
  // per-field extract calls the host makes for one event.
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

  PluginConfig config_;
  HostLogger logger_;
  AsyncEmitter emitter_;
  ThreadTable threads_;
  ContainerCache cache_;
  ContainersTable containers_table_;
  CgroupMatcher matcher_;
  CgroupMatchCache match_cache_;
  std::shared_ptr<const ContainerInfo> static_container_;
  AsyncEventSink sink_;
  std::vector<std::unique_ptr<ContainerEngine>> engines_;
  bool engines_running_ = false;

  // Parse scratch, kept to avoid allocating per event.
  std::string id_buffer_;
  std::vector<std::string> args_buffer_;
  // The container event parsed last: extraction on that event uses it even
  // when it removed the entry.
  uint64_t last_container_evtnum_ = 0;
  std::shared_ptr<const ContainerInfo> last_container_;
  std::unordered_set<std::string> unknown_ids_;

  Resolved resolved_;
  std::vector<std::string> scratch_;
  std::vector<const char*> str_results_;
  std::vector<uint64_t> u64_results_;
  std::vector<ss_plugin_bool> bool_results_;

  struct Counters {
    std::atomic<uint64_t> containers{0};
    std::atomic<uint64_t> missing_images{0};
    std::atomic<uint64_t> cgroup_cache_hits{0};
    std::atomic<uint64_t> cgroup_cache_misses{0};
    std::atomic<uint64_t> lookups_hit{0};
    std::atomic<uint64_t> lookups_miss{0};
    std::atomic<uint64_t> unknown_ids{0};
    std::atomic<uint64_t> malformed_events{0};
  } counters_;
  std::vector<ss_plugin_metric> metrics_;
  // Names of the per-engine metrics; metrics_ points into them.
  std::vector<std::string> engine_metric_names_;
};

}  // namespace libcontainer
