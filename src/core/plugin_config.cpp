#include "core/plugin_config.h"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json_error.h"

namespace libcontainer {
namespace {

using nlohmann::json;

constexpr uint32_t kMinCgroupCacheSize = 16;
constexpr uint32_t kMaxCgroupCacheSize = 1048576;
constexpr uint32_t kMaxEngineTimeoutSeconds = 86400;

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw ConfigError(path + ": " + what);
}

std::string Child(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string Expected(std::string_view what, const json& got) {
  return "expected " + std::string(what) + ", got " + got.type_name();
}

void RequireObject(const json& v, const std::string& path) {
  if (!v.is_object()) Fail(path, Expected("object", v));
}

// Rejects any key outside `allowed`, naming its full path and the valid ones.
void CheckKeys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  for (const auto& item : obj.items()) {
    bool known = false;
    for (auto key : allowed) known = known || item.key() == key;
    if (known) continue;
    std::string list;
    for (auto key : allowed) list += (list.empty() ? "" : ", ") + std::string(key);
    throw ConfigError("unknown key '" + Child(path, item.key()) + "' (expected one of: " + list + ")");
  }
}

bool GetBool(const json& v, const std::string& path) {
  if (!v.is_boolean()) Fail(path, Expected("boolean", v));
  return v.get<bool>();
}

const std::string& GetString(const json& v, const std::string& path) {
  if (!v.is_string()) Fail(path, Expected("string", v));
  return v.get_ref<const std::string&>();
}

// Floats are rejected even when integral: the schema says "integer".
uint32_t GetUint32(const json& v, const std::string& path, uint32_t min, uint32_t max) {
  if (!v.is_number_integer()) Fail(path, Expected("integer", v));
  bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() >= min && v.get<uint64_t>() <= max
                                         : v.get<int64_t>() >= static_cast<int64_t>(min) &&
                                               v.get<int64_t>() <= static_cast<int64_t>(max);
  if (!in_range) {
    Fail(path,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + v.dump());
  }
  return static_cast<uint32_t>(v.get<uint64_t>());
}

LogLevel GetLogLevel(const json& v, const std::string& path) {
  const std::string& s = GetString(v, path);
  if (s == "trace") return LogLevel::kTrace;
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info" || s == "notice") return LogLevel::kInfo;
  if (s == "warn" || s == "warning") return LogLevel::kWarning;
  if (s == "error" || s == "critical" || s == "fatal") return LogLevel::kError;
  Fail(path, "unknown level \"" + s + "\" (expected trace, debug, info, warn, error)");
}

uint32_t GetHooks(const json& v, const std::string& path) {
  if (!v.is_array()) Fail(path, Expected("array of \"create\"/\"start\"", v));
  if (v.empty()) Fail(path, "must list at least one of \"create\", \"start\"");
  uint32_t hooks = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    const std::string& s = GetString(v[i], item_path);
    if (s == "create") {
      hooks |= kHookCreate;
    } else if (s == "start") {
      hooks |= kHookStart;
    } else {
      Fail(item_path, "expected \"create\" or \"start\", got \"" + s + "\"");
    }
  }
  return hooks;
}

std::vector<std::string> GetPaths(const json& v, const std::string& path, const char* what) {
  if (!v.is_array()) Fail(path, Expected("array of strings", v));
  std::vector<std::string> paths;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    const std::string& s = GetString(v[i], item_path);
    if (s.empty()) Fail(item_path, std::string("expected a non-empty ") + what);
    paths.push_back(s);
  }
  return paths;
}

// `enabled` and `sockets`; the caller has checked the keys.
void ParseSocketEngineKeys(const json& v, const std::string& path, EngineSockets* engine) {
  if (auto it = v.find("enabled"); it != v.end()) engine->enabled = GetBool(*it, Child(path, "enabled"));
  auto it = v.find("sockets");
  if (it == v.end()) return;
  std::vector<std::string> sockets = GetPaths(*it, Child(path, "sockets"), "socket path");
  if (!sockets.empty()) engine->sockets = std::move(sockets);  // `[]` keeps the defaults, like the reference
}

void ParseSocketEngine(const json& v, const std::string& path, EngineSockets* engine) {
  RequireObject(v, path);
  CheckKeys(v, path, {"enabled", "sockets"});
  ParseSocketEngineKeys(v, path, engine);
}

void ParsePodmanEngine(const json& v, const std::string& path, PodmanEngineConfig* engine) {
  RequireObject(v, path);
  CheckKeys(v, path, {"enabled", "sockets", "events_logs"});
  ParseSocketEngineKeys(v, path, engine);
  // Unlike sockets, `[]` means none: the fast path is optional. Absent, the
  // engine discovers each service's log.
  if (auto it = v.find("events_logs"); it != v.end())
    engine->events_logs = GetPaths(*it, Child(path, "events_logs"), "file path");
}

void ParseSimpleEngine(const json& v, const std::string& path, bool* enabled) {
  RequireObject(v, path);
  CheckKeys(v, path, {"enabled"});
  if (auto it = v.find("enabled"); it != v.end()) *enabled = GetBool(*it, Child(path, "enabled"));
}

void ParseStaticEngine(const json& v, const std::string& path, StaticContainerConfig* config) {
  RequireObject(v, path);
  CheckKeys(v, path, {"enabled", "container_id", "container_name", "container_image"});
  if (auto it = v.find("enabled"); it != v.end()) config->enabled = GetBool(*it, Child(path, "enabled"));
  std::pair<const char*, std::string*> strings[] = {{"container_id", &config->container_id},
                                                    {"container_name", &config->container_name},
                                                    {"container_image", &config->container_image}};
  for (auto& [key, target] : strings) {
    if (auto it = v.find(key); it != v.end()) *target = GetString(*it, Child(path, key));
  }
  if (!config->enabled) return;
  for (auto& [key, target] : strings) {
    if (target->empty())
      Fail(Child(path, key), "required non-empty string when " + path + ".enabled is true");
  }
}

void ParseEngines(const json& v, const std::string& path, PluginConfig* config) {
  RequireObject(v, path);
  CheckKeys(v, path, {"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc", "bpm", "static"});
  // Unlike the reference, a partial object is fine: missing engines keep their defaults.
  for (const auto& item : v.items()) {
    const std::string& key = item.key();
    std::string item_path = Child(path, key);
    if (key == "docker") ParseSocketEngine(item.value(), item_path, &config->docker);
    if (key == "podman") ParsePodmanEngine(item.value(), item_path, &config->podman);
    if (key == "containerd") ParseSocketEngine(item.value(), item_path, &config->containerd);
    if (key == "cri") ParseSocketEngine(item.value(), item_path, &config->cri);
    if (key == "lxc") ParseSimpleEngine(item.value(), item_path, &config->lxc);
    if (key == "libvirt_lxc") ParseSimpleEngine(item.value(), item_path, &config->libvirt_lxc);
    if (key == "bpm") ParseSimpleEngine(item.value(), item_path, &config->bpm);
    if (key == "static") ParseStaticEngine(item.value(), item_path, &config->static_container);
  }
}

json BuildSchema() {
  auto boolean = [](const char* description) {
    return json{{"type", "boolean"}, {"description", description}};
  };
  auto socket_engine = [&](const char* name) {
    json sockets = {
        {"type", "array"},
        {"items", {{"type", "string"}, {"minLength", 1}}},
        {"description", std::string(name) + " API sockets to try, in order; empty means the defaults"}};
    return json{{"type", "object"},
                {"additionalProperties", false},
                {"properties", {{"enabled", boolean("Watch this engine")}, {"sockets", sockets}}}};
  };
  json podman_engine = socket_engine("Podman");
  podman_engine["properties"]["events_logs"] = {
      {"type", "array"},
      {"items", {{"type", "string"}, {"minLength", 1}}},
      {"description",
       "Podman events log files (events_logger = \"file\") of the services on `sockets`, followed for "
       "low latency. Unset: found for each service from its info, command line and containers.conf; "
       "set: exactly these; empty follows none"}};
  auto simple_engine = [&](const char* description) {
    return json{{"type", "object"},
                {"additionalProperties", false},
                {"properties", {{"enabled", boolean(description)}}}};
  };
  json non_empty = {{"type", "string"}, {"minLength", 1}};
  json static_engine = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "Attribute every process to one fixed container"},
      {"properties",
       {{"enabled", boolean("Enable the static container")},
        {"container_id", {{"type", "string"}}},
        {"container_name", {{"type", "string"}}},
        {"container_image", {{"type", "string"}}}}},
  };
  // Enabled requires the three strings, non-empty.
  json when_disabled = {{"properties", {{"enabled", {{"enum", json::array({false})}}}}}};
  json when_enabled = {
      {"required", json::array({"container_id", "container_name", "container_image"})},
      {"properties",
       {{"container_id", non_empty}, {"container_name", non_empty}, {"container_image", non_empty}}}};
  static_engine["anyOf"] = json::array({when_disabled, when_enabled});
  json log_level = {{"type", "string"},
                    {"enum", json::array({"trace", "debug", "info", "notice", "warn", "warning", "error",
                                          "critical", "fatal"})},
                    {"default", "warn"}};

  json properties = json::object();
  properties["label_max_len"] = {{"type", "integer"},
                                 {"minimum", 0},
                                 {"maximum", 4294967295u},
                                 {"default", 100},
                                 {"description", "Labels whose value is longer than this are dropped"}};
  properties["with_size"] = {
      {"type", "boolean"}, {"default", false}, {"description", "Ask engines for the container size (slow)"}};
  properties["hooks"] = {{"type", "array"},
                         {"minItems", 1},
                         {"items", {{"type", "string"}, {"enum", json::array({"create", "start"})}}},
                         {"default", json::array({"create"})},
                         {"description", "Engine events that trigger a container inspect"}};
  properties["log_level"] = log_level;
  properties["log_level"]["description"] = "Plugin log level";
  properties["verbosity"] = log_level;
  properties["verbosity"]["description"] = "Alias of log_level";
  properties["engines"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "Container engines; a missing engine keeps its defaults"},
      {"properties",
       {{"docker", socket_engine("Docker")},
        {"podman", podman_engine},
        {"containerd", socket_engine("containerd")},
        {"cri", socket_engine("CRI")},
        {"lxc", simple_engine("Recognise LXC containers from their cgroup")},
        {"libvirt_lxc", simple_engine("Recognise libvirt-LXC containers from their cgroup")},
        {"bpm", simple_engine("Recognise BPM containers from their cgroup")},
        {"static", static_engine}}}};
  properties["engine_timeout"] = {
      {"type", "integer"},
      {"minimum", 0},
      {"maximum", kMaxEngineTimeoutSeconds},
      {"default", 10},
      {"description",
       "Seconds the capture start waits for the engines' initial container listings (the rest goes on in "
       "the background); 0 waits until every engine has listed or failed"}};
  properties["cgroup_cache_size"] = {{"type", "integer"},
                                     {"minimum", kMinCgroupCacheSize},
                                     {"maximum", kMaxCgroupCacheSize},
                                     {"default", 4096},
                                     {"description", "Entries of the cgroup path to container id cache"}};

  // null: what Falco makes of `init_config: {}`; it means all defaults.
  return {{"$schema", "http://json-schema.org/draft-04/schema#"},
          {"type", json::array({"object", "null"})},
          {"additionalProperties", false},
          {"properties", properties}};
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "warn";
}

PluginConfig ParsePluginConfig(std::string_view text) {
  PluginConfig config;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;

  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    throw ConfigError(DescribeJsonError(e));
  }
  // Falco hands over `init_config: {}` (an empty YAML map) as null.
  if (root.is_null()) return config;
  if (!root.is_object()) throw ConfigError("init config: " + Expected("object", root));
  CheckKeys(root, "",
            {"label_max_len", "with_size", "hooks", "log_level", "verbosity", "engines", "engine_timeout",
             "cgroup_cache_size"});

  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    const json& v = item.value();
    if (key == "label_max_len") config.label_max_len = GetUint32(v, key, 0, UINT32_MAX);
    if (key == "with_size") config.with_size = GetBool(v, key);
    if (key == "hooks") config.hooks = GetHooks(v, key);
    if (key == "log_level" || key == "verbosity") config.log_level = GetLogLevel(v, key);
    if (key == "engines") ParseEngines(v, key, &config);
    if (key == "engine_timeout") config.engine_timeout_s = GetUint32(v, key, 0, kMaxEngineTimeoutSeconds);
    if (key == "cgroup_cache_size") {
      config.cgroup_cache_size = GetUint32(v, key, kMinCgroupCacheSize, kMaxCgroupCacheSize);
    }
  }
  // Both spellings may be given, but must then agree.
  if (root.contains("log_level") && root.contains("verbosity") &&
      GetLogLevel(root.at("log_level"), "log_level") != GetLogLevel(root.at("verbosity"), "verbosity")) {
    Fail("verbosity", "conflicts with log_level");
  }
  return config;
}

const std::string& PluginConfigSchema() {
  static const std::string schema = BuildSchema().dump();
  return schema;
}

}  // namespace libcontainer
