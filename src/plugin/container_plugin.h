// The plugin instance behind the exported plugin_* functions: it wires the
// host's tables and events to the parts that do the work and dispatches each
// ABI call to them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/plugin_config.h"
#include "plugin/async_emitter.h"
#include "plugin/container_store.h"
#include "plugin/containers_table.h"
#include "plugin/engine_set.h"
#include "plugin/engine_sink.h"
#include "plugin/event_counter.h"
#include "plugin/field_resolver.h"
#include "plugin/host_logger.h"
#include "plugin/metrics_table.h"
#include "plugin/plugin_api.h"
#include "plugin/thread_table.h"
#include "plugin/thread_tagger.h"

namespace libcontainer {

class ContainerPlugin {
 public:
  // Throws ConfigError or std::runtime_error with a message for the host.
  explicit ContainerPlugin(const ss_plugin_init_input& input);
  ContainerPlugin(const ContainerPlugin&) = delete;
  ContainerPlugin& operator=(const ContainerPlugin&) = delete;

  static const std::vector<uint16_t>& ParseEventTypes();

  ss_plugin_rc ParseEvent(const ss_plugin_event_input& event, const ss_plugin_event_parse_input& input);
  // Inline: the hot path pays one call into the resolver, not two.
  ss_plugin_rc ExtractFields(const ss_plugin_event_input& event, const ss_plugin_field_extract_input& input) {
    return resolver_.Extract(event, input);
  }
  ss_plugin_rc CaptureOpen(const ss_plugin_capture_listen_input& input);
  ss_plugin_rc SetAsyncEventHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  ss_plugin_rc DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  ss_plugin_metric* Metrics(uint32_t* count) { return metrics_.Collect(count); }

 private:
  void ParseContainerEvent(uint64_t evtnum, const EventView& view);
  void OnProcExit(const ThreadTable::Reader& r, int64_t tid);
  void AddMetrics();

  PluginConfig config_;
  HostLogger logger_;
  AsyncEmitter emitter_;
  ThreadTable threads_;
  ContainerStore store_;
  ContainersTable containers_table_;
  // Declared after everything the watchers reach, so they stop first.
  AsyncEventSink sink_;
  EngineSet engines_;
  ThreadTagger tagger_;
  FieldResolver resolver_;
  EventCounter malformed_events_;
  MetricsTable metrics_;
};

}  // namespace libcontainer
