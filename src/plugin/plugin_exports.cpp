// The exported C entry points: thin adapters from the Falco plugin ABI to
// ContainerPlugin. No exception crosses this boundary.
#include <exception>
#include <memory>
#include <string>

#include "core/field_table.h"
#include "core/plugin_config.h"
#include "libcontainer_version.h"
#include "plugin/container_plugin.h"
#include "plugin/plugin_api.h"

#define LIBCONTAINER_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using libcontainer::ContainerPlugin;

// What plugin_init returns: also on failure, so the host can read the error.
struct PluginState {
  std::unique_ptr<ContainerPlugin> plugin;
  std::string last_error;
};

PluginState* StateOf(ss_plugin_t* s) {
  return static_cast<PluginState*>(s);
}

template <typename Fn>
ss_plugin_rc Guarded(ss_plugin_t* s, Fn&& fn) {
  auto* state = StateOf(s);
  if (state == nullptr || state->plugin == nullptr) return SS_PLUGIN_FAILURE;
  try {
    return fn(*state->plugin);
  } catch (const std::exception& e) {
    state->last_error = e.what();
  } catch (...) {
    state->last_error = "unknown error";
  }
  return SS_PLUGIN_FAILURE;
}

}  // namespace

LIBCONTAINER_EXPORT const char* plugin_get_required_api_version() {
  return "3.10.0";
}
LIBCONTAINER_EXPORT const char* plugin_get_required_event_schema_version() {
  return "4.0.0";
}
LIBCONTAINER_EXPORT const char* plugin_get_name() {
  return "container";
}
LIBCONTAINER_EXPORT const char* plugin_get_version() {
  return LIBCONTAINER_VERSION;
}
LIBCONTAINER_EXPORT const char* plugin_get_description() {
  return "Container and Kubernetes pod metadata for the syscall event source (C++ engines)";
}
LIBCONTAINER_EXPORT const char* plugin_get_contact() {
  return LIBCONTAINER_CONTACT;
}

LIBCONTAINER_EXPORT const char* plugin_get_init_schema(ss_plugin_schema_type* schema_type) {
  *schema_type = SS_PLUGIN_SCHEMA_JSON;
  return libcontainer::PluginConfigSchema().c_str();
}

LIBCONTAINER_EXPORT ss_plugin_t* plugin_init(const ss_plugin_init_input* input, ss_plugin_rc* rc) {
  auto* state = new (std::nothrow) PluginState();
  if (state == nullptr) {
    *rc = SS_PLUGIN_FAILURE;
    return nullptr;
  }
  try {
    if (input == nullptr) throw std::runtime_error("no init input");
    state->plugin = std::make_unique<ContainerPlugin>(*input);
    *rc = SS_PLUGIN_SUCCESS;
  } catch (const libcontainer::ConfigError& e) {
    state->last_error = std::string("invalid init config: ") + e.what();
    *rc = SS_PLUGIN_FAILURE;
  } catch (const std::exception& e) {
    state->last_error = std::string("init failed: ") + e.what();
    *rc = SS_PLUGIN_FAILURE;
  }
  return state;
}

LIBCONTAINER_EXPORT void plugin_destroy(ss_plugin_t* s) {
  delete StateOf(s);
}

LIBCONTAINER_EXPORT const char* plugin_get_last_error(ss_plugin_t* s) {
  return s == nullptr ? "no plugin state" : StateOf(s)->last_error.c_str();
}

LIBCONTAINER_EXPORT const char* plugin_get_fields() {
  return libcontainer::FieldsJson().c_str();
}
LIBCONTAINER_EXPORT const char* plugin_get_extract_event_sources() {
  return R"(["syscall"])";
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                                       const ss_plugin_field_extract_input* in) {
  return Guarded(s, [&](ContainerPlugin& p) { return p.ExtractFields(*evt, *in); });
}

LIBCONTAINER_EXPORT const char* plugin_get_parse_event_sources() {
  return R"(["syscall"])";
}

LIBCONTAINER_EXPORT uint16_t* plugin_get_parse_event_types(uint32_t* num_types, ss_plugin_t*) {
  const auto& types = ContainerPlugin::ParseEventTypes();
  *num_types = static_cast<uint32_t>(types.size());
  return const_cast<uint16_t*>(types.data());
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_parse_event(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                                    const ss_plugin_event_parse_input* in) {
  return Guarded(s, [&](ContainerPlugin& p) { return p.ParseEvent(*evt, *in); });
}

LIBCONTAINER_EXPORT const char* plugin_get_async_event_sources() {
  return R"(["syscall"])";
}
LIBCONTAINER_EXPORT const char* plugin_get_async_events() {
  return R"(["container","container_removed"])";
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_set_async_event_handler(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                                                ss_plugin_async_event_handler_t handler) {
  return Guarded(s, [&](ContainerPlugin& p) { return p.SetAsyncEventHandler(owner, handler); });
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_dump_state(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                                   ss_plugin_async_event_handler_t handler) {
  return Guarded(s, [&](ContainerPlugin& p) { return p.DumpState(owner, handler); });
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_capture_open(ss_plugin_t* s,
                                                     const ss_plugin_capture_listen_input* in) {
  return Guarded(s, [&](ContainerPlugin& p) { return p.CaptureOpen(*in); });
}

LIBCONTAINER_EXPORT ss_plugin_rc plugin_capture_close(ss_plugin_t* s, const ss_plugin_capture_listen_input*) {
  return Guarded(s, [](ContainerPlugin&) { return SS_PLUGIN_SUCCESS; });
}

LIBCONTAINER_EXPORT ss_plugin_metric* plugin_get_metrics(ss_plugin_t* s, uint32_t* num_metrics) {
  *num_metrics = 0;
  auto* state = StateOf(s);
  if (state == nullptr || state->plugin == nullptr) return nullptr;
  return state->plugin->Metrics(num_metrics);
}
