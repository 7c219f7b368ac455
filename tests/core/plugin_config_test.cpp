#include "core/plugin_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace libcontainer {
namespace {

using nlohmann::json;
using Sockets = std::vector<std::string>;

// Parses `config` expecting a ConfigError; returns its message.
std::string ErrorOf(std::string_view config) {
  try {
    ParsePluginConfig(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << config;
  return "";
}

void ExpectDefaults(const PluginConfig& c) {
  EXPECT_EQ(c.label_max_len, 100u);
  EXPECT_FALSE(c.with_size);
  EXPECT_EQ(c.hooks, kHookCreate);
  EXPECT_EQ(c.log_level, LogLevel::kWarning);
  EXPECT_TRUE(c.docker.enabled);
  EXPECT_EQ(c.docker.sockets, Sockets{"/var/run/docker.sock"});
  EXPECT_TRUE(c.podman.enabled);
  EXPECT_EQ(c.podman.sockets, Sockets{"/run/podman/podman.sock"});
  EXPECT_FALSE(c.podman.events_logs.has_value());  // the engine discovers each service's log
  EXPECT_TRUE(c.containerd.enabled);
  EXPECT_EQ(c.containerd.sockets,
            (Sockets{"/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock",
                     "/run/host-containerd/containerd.sock"}));
  EXPECT_TRUE(c.cri.enabled);
  EXPECT_EQ(c.cri.sockets,
            (Sockets{"/run/containerd/containerd.sock", "/run/crio/crio.sock",
                     "/run/k3s/containerd/containerd.sock", "/run/host-containerd/containerd.sock"}));
  EXPECT_TRUE(c.lxc);
  EXPECT_TRUE(c.libvirt_lxc);
  EXPECT_TRUE(c.bpm);
  EXPECT_FALSE(c.static_container.enabled);
  EXPECT_EQ(c.static_container.container_id, "");
  EXPECT_EQ(c.cgroup_cache_size, 4096u);
  EXPECT_EQ(c.engine_timeout_s, 10u);
}

TEST(PluginConfigTest, EmptyMeansDefaults) {
  for (std::string_view text : {"", " ", "\n\t \r\n", "{}", " { } ", "null"}) {
    SCOPED_TRACE(text);
    ExpectDefaults(ParsePluginConfig(text));
  }
  ExpectDefaults(PluginConfig{});
}

TEST(PluginConfigTest, ScalarKeys) {
  auto c = ParsePluginConfig(R"({"label_max_len":0,"with_size":true,"cgroup_cache_size":16})");
  EXPECT_EQ(c.label_max_len, 0u);
  EXPECT_TRUE(c.with_size);
  EXPECT_EQ(c.cgroup_cache_size, 16u);
  c = ParsePluginConfig(R"({"label_max_len":4294967295,"cgroup_cache_size":1048576})");
  EXPECT_EQ(c.label_max_len, 4294967295u);
  EXPECT_EQ(c.cgroup_cache_size, 1048576u);
  EXPECT_EQ(ParsePluginConfig(R"({"engine_timeout":0})").engine_timeout_s, 0u);
  EXPECT_EQ(ParsePluginConfig(R"({"engine_timeout":30})").engine_timeout_s, 30u);
}

TEST(PluginConfigTest, Hooks) {
  EXPECT_EQ(ParsePluginConfig(R"({"hooks":["create"]})").hooks, kHookCreate);
  EXPECT_EQ(ParsePluginConfig(R"({"hooks":["start"]})").hooks, kHookStart);
  EXPECT_EQ(ParsePluginConfig(R"({"hooks":["start","create"]})").hooks, kHookCreate | kHookStart);
  EXPECT_EQ(ParsePluginConfig(R"({"hooks":["create","create"]})").hooks, kHookCreate);
}

TEST(PluginConfigTest, LogLevelsAndAliases) {
  const std::pair<const char*, LogLevel> cases[] = {
      {"trace", LogLevel::kTrace}, {"debug", LogLevel::kDebug},    {"info", LogLevel::kInfo},
      {"notice", LogLevel::kInfo}, {"warn", LogLevel::kWarning},   {"warning", LogLevel::kWarning},
      {"error", LogLevel::kError}, {"critical", LogLevel::kError}, {"fatal", LogLevel::kError},
  };
  for (const auto& [name, level] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(ParsePluginConfig(json{{"log_level", name}}.dump()).log_level, level);
    EXPECT_EQ(ParsePluginConfig(json{{"verbosity", name}}.dump()).log_level, level);
  }
  // Both spellings may be given when they agree.
  EXPECT_EQ(ParsePluginConfig(R"({"log_level":"warn","verbosity":"warning"})").log_level, LogLevel::kWarning);
  EXPECT_EQ(LogLevelName(LogLevel::kWarning), "warn");
  EXPECT_EQ(LogLevelName(LogLevel::kTrace), "trace");
}

TEST(PluginConfigTest, SocketEngines) {
  auto c = ParsePluginConfig(R"({"engines":{
      "docker":{"enabled":false,"sockets":["/a.sock","/b.sock"]},
      "podman":{"sockets":["/run/user/1000/podman/podman.sock"]},
      "containerd":{"enabled":true,"sockets":[]},
      "cri":{"enabled":false}}})");
  EXPECT_FALSE(c.docker.enabled);
  EXPECT_EQ(c.docker.sockets, (Sockets{"/a.sock", "/b.sock"}));
  EXPECT_TRUE(c.podman.enabled);
  EXPECT_EQ(c.podman.sockets, Sockets{"/run/user/1000/podman/podman.sock"});
  EXPECT_TRUE(c.containerd.enabled);
  EXPECT_EQ(c.containerd.sockets, PluginConfig{}.containerd.sockets);  // [] means defaults
  EXPECT_FALSE(c.cri.enabled);
  EXPECT_EQ(c.cri.sockets, PluginConfig{}.cri.sockets);
}

TEST(PluginConfigTest, PodmanEventsLogs) {
  auto c = ParsePluginConfig(R"({"engines":{"podman":{"events_logs":["/tmp/a/events.log","/b.log"]}}})");
  EXPECT_EQ(c.podman.events_logs, (Sockets{"/tmp/a/events.log", "/b.log"}));  // an override
  EXPECT_EQ(c.podman.sockets, PluginConfig{}.podman.sockets);
  // Unlike sockets, [] means none.
  EXPECT_EQ(ParsePluginConfig(R"({"engines":{"podman":{"events_logs":[]}}})").podman.events_logs, Sockets{});
  EXPECT_FALSE(
      ParsePluginConfig(R"({"engines":{"podman":{"enabled":false}}})").podman.events_logs.has_value());
}

TEST(PluginConfigTest, PartialEnginesKeepDefaults) {
  auto c = ParsePluginConfig(R"({"engines":{"lxc":{"enabled":false}}})");
  EXPECT_FALSE(c.lxc);
  EXPECT_TRUE(c.libvirt_lxc);
  EXPECT_TRUE(c.bpm);
  EXPECT_TRUE(c.docker.enabled);
  EXPECT_EQ(c.docker.sockets, PluginConfig{}.docker.sockets);
  c = ParsePluginConfig(
      R"({"engines":{"libvirt_lxc":{"enabled":false},"bpm":{"enabled":false},"docker":{}}})");
  EXPECT_TRUE(c.lxc);
  EXPECT_FALSE(c.libvirt_lxc);
  EXPECT_FALSE(c.bpm);
  EXPECT_TRUE(c.docker.enabled);
  EXPECT_EQ(ParsePluginConfig(R"({"engines":{}})").docker.sockets, PluginConfig{}.docker.sockets);
}

TEST(PluginConfigTest, StaticContainer) {
  auto c = ParsePluginConfig(R"({"engines":{"static":{"enabled":true,"container_id":"static-id",
      "container_name":"static-name","container_image":"static-image"}}})");
  EXPECT_TRUE(c.static_container.enabled);
  EXPECT_EQ(c.static_container.container_id, "static-id");
  EXPECT_EQ(c.static_container.container_name, "static-name");
  EXPECT_EQ(c.static_container.container_image, "static-image");
  // Disabled needs nothing else.
  c = ParsePluginConfig(R"({"engines":{"static":{"enabled":false,"container_id":""}}})");
  EXPECT_FALSE(c.static_container.enabled);
}

// The falco chart's usual config, as the reference documents it.
TEST(PluginConfigTest, ReferenceStyleFullConfig) {
  auto c = ParsePluginConfig(R"({
    "label_max_len": 100, "with_size": false, "hooks": ["create", "start"], "log_level": "info",
    "engine_timeout": 5,
    "engines": {
      "docker": {"enabled": true, "sockets": ["/var/run/docker.sock"]},
      "podman": {"enabled": true, "sockets": ["/run/podman/podman.sock"]},
      "containerd": {"enabled": true, "sockets": ["/run/host-containerd/containerd.sock"]},
      "cri": {"enabled": true, "sockets": ["/run/containerd/containerd.sock", "/run/crio/crio.sock"]},
      "lxc": {"enabled": false}, "libvirt_lxc": {"enabled": false}, "bpm": {"enabled": false},
      "static": {"enabled": false, "container_id": "", "container_name": "", "container_image": ""}
    }})");
  EXPECT_EQ(c.hooks, kHookCreate | kHookStart);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.engine_timeout_s, 5u);
  EXPECT_EQ(c.containerd.sockets, Sockets{"/run/host-containerd/containerd.sock"});
  EXPECT_EQ(c.cri.sockets, (Sockets{"/run/containerd/containerd.sock", "/run/crio/crio.sock"}));
  EXPECT_FALSE(c.lxc);
  EXPECT_FALSE(c.static_container.enabled);
}

struct InvalidCase {
  const char* config;
  const char* message_part;  // must appear in the error message
};

TEST(PluginConfigTest, InvalidConfigsNameTheKey) {
  const InvalidCase cases[] = {
      {R"({"enginez":{}})", "unknown key 'enginez'"},
      {R"({"engines":{"dockr":{}}})", "unknown key 'engines.dockr'"},
      {R"({"engines":{"docker":{"enabled":true,"socket":[]}}})", "unknown key 'engines.docker.socket'"},
      {R"({"engines":{"lxc":{"enabled":true,"sockets":[]}}})", "unknown key 'engines.lxc.sockets'"},
      {R"({"engines":{"static":{"enabled":true,"container_id":"a","container_name":"b","container_image":"c",
          "extra":1}}})",
       "unknown key 'engines.static.extra'"},
      {R"({"engines":{"docker":{"sockets":["/ok",7]}}})", "engines.docker.sockets[1]: expected string"},
      {R"({"engines":{"cri":{"sockets":["/ok",""]}}})", "engines.cri.sockets[1]: expected a non-empty"},
      {R"({"engines":{"podman":{"sockets":"/run/podman/podman.sock"}}})",
       "engines.podman.sockets: expected array"},
      {R"({"engines":{"podman":{"events_logs":"/run/libpod/events/events.log"}}})",
       "engines.podman.events_logs: expected array"},
      {R"({"engines":{"podman":{"events_logs":["/ok",""]}}})",
       "engines.podman.events_logs[1]: expected a non-empty file path"},
      {R"({"engines":{"podman":{"events_logs":[1]}}})", "engines.podman.events_logs[0]: expected string"},
      {R"({"engines":{"docker":{"events_logs":[]}}})", "unknown key 'engines.docker.events_logs'"},
      {R"({"engines":{"containerd":{"enabled":"yes"}}})", "engines.containerd.enabled: expected boolean"},
      {R"({"engines":{"bpm":true}})", "engines.bpm: expected object"},
      {R"({"engines":[]})", "engines: expected object"},
      {R"({"engines":null})", "engines: expected object"},
      {R"({"engines":{"static":{"enabled":true,"container_id":"a","container_name":"b"}}})",
       "engines.static.container_image: required non-empty"},
      {R"({"engines":{"static":{"enabled":true,"container_id":"","container_name":"b","container_image":"c"}}})",
       "engines.static.container_id: required non-empty"},
      {R"({"engines":{"static":{"enabled":true,"container_id":1}}})",
       "engines.static.container_id: expected string"},
      {R"({"label_max_len":-1})", "label_max_len: must be between 0 and 4294967295"},
      {R"({"label_max_len":4294967296})", "label_max_len: must be between"},
      {R"({"label_max_len":"100"})", "label_max_len: expected integer"},
      {R"({"label_max_len":10.5})", "label_max_len: expected integer"},
      {R"({"with_size":1})", "with_size: expected boolean"},
      {R"({"hooks":[]})", "hooks: must list at least one"},
      {R"({"hooks":"create"})", "hooks: expected array"},
      {R"({"hooks":["create","remove"]})", "hooks[1]: expected \"create\" or \"start\""},
      {R"({"hooks":[1]})", "hooks[0]: expected string"},
      {R"({"log_level":"loud"})", "log_level: unknown level \"loud\""},
      {R"({"verbosity":3})", "verbosity: expected string"},
      {R"({"log_level":"debug","verbosity":"error"})", "verbosity: conflicts with log_level"},
      {R"({"engine_timeout":-1})", "engine_timeout: must be between 0 and 86400"},
      {R"({"engine_timeout":"10s"})", "engine_timeout: expected integer"},
      {R"({"engine_timeout":2.5})", "engine_timeout: expected integer"},
      {R"({"cgroup_cache_size":8})", "cgroup_cache_size: must be between 16 and 1048576"},
      {R"({"cgroup_cache_size":2000000})", "cgroup_cache_size: must be between"},
      {R"([])", "expected object"},
      {R"("x")", "expected object"},
  };
  for (const auto& [config, part] : cases) {
    SCOPED_TRACE(config);
    std::string message = ErrorOf(config);
    EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
  }
}

TEST(PluginConfigTest, InvalidJsonNamesTheByte) {
  std::string message = ErrorOf(R"({"label_max_len": 100,,})");
  EXPECT_EQ(message.rfind("invalid JSON at byte 23: ", 0), 0u) << message;
  EXPECT_EQ(ErrorOf("{").rfind("invalid JSON at byte", 0), 0u);
  EXPECT_EQ(ErrorOf("{} x").rfind("invalid JSON at byte", 0), 0u);
}

// Found by fuzzing: used to escape as json::out_of_range, not a ConfigError.
TEST(PluginConfigTest, NumbersBeyondDoubleAreAConfigError) {
  for (std::string_view text : {R"({"label_max_len":1e999})", R"({"engine_timeout":-1e400})"}) {
    const std::string message = ErrorOf(text);
    EXPECT_EQ(message.rfind("invalid JSON: number overflow", 0), 0u) << message;
  }
}

TEST(PluginConfigTest, UnknownKeyListsValidOnes) {
  std::string message = ErrorOf(R"({"engines":{"docker":{"enable":true}}})");
  EXPECT_NE(message.find("expected one of: enabled, sockets"), std::string::npos) << message;
  message = ErrorOf(R"({"engines":{"podman":{"events_log":[]}}})");
  EXPECT_NE(message.find("expected one of: enabled, sockets, events_logs"), std::string::npos) << message;
}

TEST(PluginConfigTest, SchemaIsValidJsonAndMatchesParser) {
  json schema = json::parse(PluginConfigSchema());
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-04/schema#");
  EXPECT_EQ(schema["type"], json::array({"object", "null"}));
  EXPECT_EQ(schema["additionalProperties"], false);

  // A valid value for every top-level key the parser accepts.
  const std::map<std::string, json> accepted = {
      {"label_max_len", 10},  {"with_size", true},         {"hooks", json::array({"start"})},
      {"log_level", "debug"}, {"verbosity", "debug"},      {"engines", json::object()},
      {"engine_timeout", 0},  {"cgroup_cache_size", 1024},
  };
  std::set<std::string> schema_keys;
  for (const auto& item : schema["properties"].items()) schema_keys.insert(item.key());
  std::set<std::string> parser_keys;
  for (const auto& [key, value] : accepted) {
    parser_keys.insert(key);
    EXPECT_NO_THROW(ParsePluginConfig(json{{key, value}}.dump())) << key;
  }
  EXPECT_EQ(schema_keys, parser_keys);
  EXPECT_NE(ErrorOf(R"({"not_a_key":1})").find("unknown key"), std::string::npos);

  // Nested parts of the schema the parser relies on.
  const json& engines = schema["properties"]["engines"];
  EXPECT_EQ(engines["additionalProperties"], false);
  std::set<std::string> engine_keys;
  for (const auto& item : engines["properties"].items()) engine_keys.insert(item.key());
  EXPECT_EQ(engine_keys, (std::set<std::string>{"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc",
                                                "bpm", "static"}));
  EXPECT_FALSE(engines.contains("required"));  // partial engines are fine
  EXPECT_EQ(engines["properties"]["docker"]["properties"]["sockets"]["items"]["type"], "string");
  EXPECT_FALSE(engines["properties"]["docker"]["properties"].contains("events_logs"));
  const json& events_logs = engines["properties"]["podman"]["properties"]["events_logs"];
  EXPECT_EQ(events_logs["items"]["type"], "string");
  EXPECT_FALSE(events_logs.contains("default"));  // unset means discovered
  EXPECT_EQ(engines["properties"]["podman"]["additionalProperties"], false);
  EXPECT_EQ(engines["properties"]["static"]["anyOf"].size(), 2u);
  EXPECT_EQ(schema["properties"]["hooks"]["items"]["enum"], json::array({"create", "start"}));
  EXPECT_EQ(schema["properties"]["hooks"]["minItems"], 1);
  EXPECT_EQ(schema["properties"]["cgroup_cache_size"]["minimum"], 16);
  EXPECT_EQ(schema["properties"]["cgroup_cache_size"]["maximum"], 1048576);
  EXPECT_EQ(schema["properties"]["engine_timeout"]["type"], "integer");
  EXPECT_EQ(schema["properties"]["engine_timeout"]["minimum"], 0);
  EXPECT_EQ(schema["properties"]["engine_timeout"]["default"], PluginConfig{}.engine_timeout_s);

  // Every log level the schema lists is accepted under both names.
  for (const auto& level : schema["properties"]["log_level"]["enum"]) {
    EXPECT_NO_THROW(ParsePluginConfig(json{{"log_level", level}}.dump())) << level;
    EXPECT_NO_THROW(ParsePluginConfig(json{{"verbosity", level}}.dump())) << level;
  }
  EXPECT_EQ(schema["properties"]["log_level"]["enum"], schema["properties"]["verbosity"]["enum"]);
}

}  // namespace
}  // namespace libcontainer
