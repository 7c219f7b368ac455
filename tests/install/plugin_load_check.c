// plugin-load-check PLUGIN.so: loads a plugin the way Falco does at start-up and makes the calls
// every start makes (plugin_get_required_api_version, plugin_init with the default config,
// plugin_get_fields, the async event handler on and off, plugin_destroy), printing each step.
// Exits 0 only if every step succeeded.
//
// Plain C over glibc alone, so that it runs inside a bare Debian root (tests/install/
// chroot-load-test), where a missing library or symbol of the plugin shows up as a dlopen error.
// plugin_init needs a host's tables: this host has the shape of Falco's 'threads' table (the
// fields the plugin reads and adds) but no thread in it, which is all init looks at.
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "plugin/plugin_api.h"

// A table or sub-table handle: the fields it has, by name and type.
typedef struct {
  const char* name;
  ss_plugin_state_type type;
} field_spec;

typedef struct {
  const char* name;
  field_spec fields[16];
  size_t count;
} host_table;

static host_table threads = {"threads",
                             {{"ptid", SS_PLUGIN_ST_INT64},
                              {"vpid", SS_PLUGIN_ST_INT64},
                              {"vtid", SS_PLUGIN_ST_INT64},
                              {"cgroups", SS_PLUGIN_ST_TABLE},
                              {"pidns_init_start_ts", SS_PLUGIN_ST_UINT64},
                              {"exe", SS_PLUGIN_ST_STRING},
                              {"args", SS_PLUGIN_ST_TABLE}},
                             7};
static host_table cgroups = {"cgroups", {{"second", SS_PLUGIN_ST_STRING}}, 1};
static host_table args = {"args", {{"value", SS_PLUGIN_ST_STRING}}, 1};
static int scratch_entry;
static char offered_table[64];

static void host_log(ss_plugin_owner_t* owner, const char* component, const char* msg,
                     ss_plugin_log_severity sev) {
  (void)owner;
  printf("  plugin log (severity %d) %s: %s\n", (int)sev, component ? component : "-", msg);
}

static const char* host_last_error(ss_plugin_owner_t* owner) {
  (void)owner;
  return "";
}

static ss_plugin_table_t* get_table(ss_plugin_owner_t* owner, const char* name, ss_plugin_state_type key) {
  (void)owner;
  return strcmp(name, "threads") == 0 && key == SS_PLUGIN_ST_INT64 ? &threads : NULL;
}

static field_spec* find_field(host_table* table, const char* name) {
  for (size_t i = 0; i < table->count; i++) {
    if (strcmp(table->fields[i].name, name) == 0) return &table->fields[i];
  }
  return NULL;
}

static ss_plugin_table_field_t* get_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
  field_spec* field = find_field(t, name);
  return field != NULL && field->type == type ? field : NULL;
}

static ss_plugin_table_field_t* add_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
  host_table* table = t;
  field_spec* field = find_field(table, name);
  if (field != NULL) return field->type == type ? field : NULL;
  if (table->count == sizeof(table->fields) / sizeof(table->fields[0])) return NULL;
  // The plugin's field names are string literals of the loaded .so, alive until dlclose.
  table->fields[table->count] = (field_spec){name, type};
  return &table->fields[table->count++];
}

static ss_plugin_table_fieldinfo* list_fields(ss_plugin_table_t* t, uint32_t* count) {
  (void)t;
  *count = 0;
  return NULL;
}

static ss_plugin_table_entry_t* create_entry(ss_plugin_table_t* t) {
  return t == &threads ? &scratch_entry : NULL;
}

static void destroy_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
  (void)t;
  (void)e;
}

// Only the scratch entry's sub-tables are ever read at init.
static ss_plugin_rc read_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                               const ss_plugin_table_field_t* f, ss_plugin_state_data* out) {
  const field_spec* field = f;
  if (t != &threads || e != &scratch_entry || field->type != SS_PLUGIN_ST_TABLE) return SS_PLUGIN_FAILURE;
  out->table = strcmp(field->name, "cgroups") == 0 ? (void*)&cgroups : (void*)&args;
  return SS_PLUGIN_SUCCESS;
}

static ss_plugin_rc add_table(ss_plugin_owner_t* owner, const ss_plugin_table_input* in) {
  (void)owner;
  snprintf(offered_table, sizeof(offered_table), "%s", in->name);
  return SS_PLUGIN_SUCCESS;
}

static ss_plugin_rc on_async_event(ss_plugin_owner_t* owner, const ss_plugin_event* evt, char* err) {
  (void)owner;
  (void)evt;
  (void)err;
  return SS_PLUGIN_SUCCESS;
}

// The plugin_* entry points this loader calls.
typedef const char* (*describe_fn)(void);
typedef ss_plugin_t* (*init_fn)(const ss_plugin_init_input*, ss_plugin_rc*);
typedef const char* (*last_error_fn)(ss_plugin_t*);
typedef ss_plugin_rc (*set_handler_fn)(ss_plugin_t*, ss_plugin_owner_t*, ss_plugin_async_event_handler_t);
typedef void (*destroy_fn)(ss_plugin_t*);

static int fail(const char* step, const char* detail) {
  printf("FAILED %s: %s\n", step, detail);
  return 1;
}

// The number of fields in plugin_get_fields' JSON array: each field object has one "name" key.
static int count_fields(const char* json) {
  int count = 0;
  for (const char* p = strstr(json, "\"name\""); p != NULL; p = strstr(p + 1, "\"name\"")) count++;
  return count;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
    return 2;
  }
  void* so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (so == NULL) return fail("dlopen", dlerror());
  printf("dlopen %s: ok\n", argv[1]);

  describe_fn api_version = (describe_fn)dlsym(so, "plugin_get_required_api_version");
  describe_fn name = (describe_fn)dlsym(so, "plugin_get_name");
  describe_fn version = (describe_fn)dlsym(so, "plugin_get_version");
  describe_fn fields = (describe_fn)dlsym(so, "plugin_get_fields");
  init_fn init = (init_fn)dlsym(so, "plugin_init");
  last_error_fn last_error = (last_error_fn)dlsym(so, "plugin_get_last_error");
  set_handler_fn set_handler = (set_handler_fn)dlsym(so, "plugin_set_async_event_handler");
  destroy_fn destroy = (destroy_fn)dlsym(so, "plugin_destroy");
  if (!api_version || !name || !version || !init || !last_error || !fields || !set_handler || !destroy)
    return fail("dlsym", "a plugin_* symbol is missing");

  const char* required = api_version();
  printf("plugin_get_required_api_version: %s\n", required);
  if (strncmp(required, "3.", 2) != 0) return fail("plugin_get_required_api_version", "not a 3.x API");
  printf("plugin_get_name: %s, plugin_get_version: %s\n", name(), version());

  ss_plugin_table_fields_vtable_ext field_access = {list_fields, get_field, add_field};
  ss_plugin_table_reader_vtable_ext reader = {.read_entry_field = read_field};
  ss_plugin_table_writer_vtable_ext writer = {.create_table_entry = create_entry,
                                              .destroy_table_entry = destroy_entry};
  ss_plugin_init_tables_input tables = {.get_table = get_table,
                                        .add_table = add_table,
                                        .fields = field_access,
                                        .fields_ext = &field_access,
                                        .reader_ext = &reader,
                                        .writer_ext = &writer};
  static int owner;
  ss_plugin_init_input input = {"", &owner, host_last_error, &tables, host_log};
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  ss_plugin_t* plugin = init(&input, &rc);
  if (rc != SS_PLUGIN_SUCCESS) return fail("plugin_init", plugin ? last_error(plugin) : "no state");
  printf("plugin_init (default config): ok, offered table '%s'\n", offered_table);
  if (strcmp(offered_table, "containers") != 0) return fail("plugin_init", "no 'containers' table offered");

  const char* json = fields();
  int count = count_fields(json);
  printf("plugin_get_fields: %d fields\n", count);
  if (count == 0 || strstr(json, "\"container.id\"") == NULL)
    return fail("plugin_get_fields", "no container.id");

  // Starts the engine watchers (no engine socket exists here), then stops them.
  if (set_handler(plugin, &owner, on_async_event) != SS_PLUGIN_SUCCESS)
    return fail("plugin_set_async_event_handler", last_error(plugin));
  if (set_handler(plugin, &owner, NULL) != SS_PLUGIN_SUCCESS)
    return fail("plugin_set_async_event_handler(NULL)", last_error(plugin));
  printf("plugin_set_async_event_handler: on, off: ok\n");

  destroy(plugin);
  printf("plugin_destroy: ok\n");
  return 0;
}
