// Real Falco's command line with our plugin: the official rules load, the
// version satisfies them, --list and --plugin-info show what the .so
// declares, and bad init configs stop Falco with the key named.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "falco/falco_runner.h"
#include "host/plugin_host.h"

namespace {

using nlohmann::json;

// What the .so itself declares, read through its exported functions.
struct Declared {
  std::string version;
  json fields;
  json init_schema;
};

Declared Load() {
  Declared declared;
  // Loaded once and kept: the .so registers protobuf descriptors in the
  // process-wide libprotobuf, which aborts when they are registered twice.
  void* so = dlopen(LIBCONTAINER_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  if (so == nullptr) {
    ADD_FAILURE() << dlerror();
    return declared;
  }
  using Text = const char* (*)();
  using Schema = const char* (*)(int*);
  declared.version = reinterpret_cast<Text>(dlsym(so, "plugin_get_version"))();
  declared.fields = json::parse(reinterpret_cast<Text>(dlsym(so, "plugin_get_fields"))());
  int schema_type = 0;
  declared.init_schema =
      json::parse(reinterpret_cast<Schema>(dlsym(so, "plugin_get_init_schema"))(&schema_type));
  return declared;
}

const Declared& ReadDeclared() {
  static const Declared declared = Load();
  return declared;
}

// Falco's one-line reason for exiting, for the test log.
std::string ErrorLine(const std::string& err) {
  const auto at = err.find("rror");  // Error, error
  if (at == std::string::npos) return "(no error line)";
  const auto begin = err.rfind('\n', at);
  const auto end = err.find('\n', at);
  return err.substr(begin == std::string::npos ? 0 : begin + 1,
                    end == std::string::npos ? end : end - begin - 1);
}

std::string CapturePath(const std::string& name) {
  return std::string(LIBCONTAINER_CAPTURES_DIR) + "/" + name;
}

class FalcoCli : public testfalco::WithFalco<> {
 protected:
  std::string Official(const std::string& file) const { return falco().rules_dir + "/" + file; }
  std::string Config(const std::vector<std::string>& rules, const std::string& init_config = "{}") {
    testfalco::FalcoSettings settings;
    settings.rules_files = rules;
    settings.init_config = init_config;
    return workdir_.WriteConfig(settings);
  }

  testfalco::FalcoWorkdir workdir_;
};

TEST_F(FalcoCli, OfficialRulesValidateWithThePlugin) {
  const std::string config = Config({});
  const std::vector<std::vector<std::string>> sets = {
      {"falco_rules.yaml"},
      {"falco_rules.yaml", "falco-incubating_rules.yaml"},
      {"falco_rules.yaml", "falco-sandbox_rules.yaml"},
  };
  for (const auto& files : sets) {
    std::vector<std::string> args;
    for (const auto& file : files) args.insert(args.end(), {"-V", Official(file)});
    SCOPED_TRACE(files.back());
    const auto run = testfalco::RunFalco(falco(), config, args);
    EXPECT_EQ(run.result.exit_code, 0) << run.Describe();
    // With json_output Falco reports each file's result as JSON.
    ASSERT_EQ(run.alerts.size(), 1u) << run.Describe();
    const json& results = run.alerts[0].at("falco_load_results");
    ASSERT_EQ(results.size(), files.size()) << run.Describe();
    for (size_t i = 0; i < files.size(); ++i) {
      EXPECT_EQ(results[i].at("name"), Official(files[i]));
      EXPECT_EQ(results[i].at("successful"), true) << results[i].dump();
      EXPECT_TRUE(results[i].at("errors").empty()) << results[i].dump();
    }
  }
}

TEST_F(FalcoCli, RunsACaptureWithEveryOfficialRulesFile) {
  const auto run =
      testfalco::ReplayCapture(falco(),
                               Config({Official("falco_rules.yaml"), Official("falco-incubating_rules.yaml"),
                                       Official("falco-sandbox_rules.yaml")}),
                               CapturePath("falco_psp_run_as_user_0_container.scap"));
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();
  for (const char* file : {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
    EXPECT_NE(run.result.err.find(file), std::string::npos) << file << " not loaded\n" << run.Describe();
  }
  EXPECT_EQ(run.result.err.find("not compatible"), std::string::npos) << run.Describe();
}

TEST_F(FalcoCli, ReportsOurVersionAndContactWhichTheOfficialRulesAccept) {
  const Declared& declared = ReadDeclared();
  EXPECT_EQ(declared.version, LIBCONTAINER_PROJECT_VERSION);
  const auto run = testfalco::RunFalco(falco(), Config({}), {"--list-plugins"});
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();
  EXPECT_NE(run.result.out.find("Name: container"), std::string::npos) << run.Describe();
  EXPECT_NE(run.result.out.find("Version: " + declared.version), std::string::npos) << run.Describe();
  // The packages' Maintainer too: one contact for the plugin and its packages.
  EXPECT_NE(run.result.out.find(std::string("Contact: ") + LIBCONTAINER_PROJECT_CONTACT), std::string::npos)
      << run.Describe();
}

TEST_F(FalcoCli, ListShowsExactlyTheFieldsWeDeclare) {
  const Declared& declared = ReadDeclared();
  std::set<std::string> ours;
  for (const auto& field : declared.fields) ours.insert(field.at("name").get<std::string>());
  ASSERT_EQ(ours.size(), 61u);

  const auto run = testfalco::RunFalco(falco(), Config({}), {"--list", "--format", "json"});
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();
  const json listed = json::parse(run.result.out, nullptr, false);
  ASSERT_FALSE(listed.is_discarded()) << run.Describe();
  std::set<std::string> from_plugin;
  for (const auto& group : listed.at("fieldclasses")) {
    if (group.value("name", "") != "container (plugin)") continue;
    for (const auto& field : group.at("fields")) from_plugin.insert(field.at("name").get<std::string>());
  }
  EXPECT_EQ(from_plugin, ours);
}

TEST_F(FalcoCli, PluginInfoShowsOurInitSchema) {
  const Declared& declared = ReadDeclared();
  const auto run = testfalco::RunFalco(falco(), Config({}), {"--plugin-info", "container"});
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();
  const std::string& out = run.result.out;
  const auto begin = out.find('{');
  const auto end = out.rfind('}');
  ASSERT_NE(begin, std::string::npos) << run.Describe();
  const json shown = json::parse(out.substr(begin, end - begin + 1), nullptr, false);
  ASSERT_FALSE(shown.is_discarded()) << run.Describe();
  EXPECT_EQ(shown, declared.init_schema);
}

struct BadConfig {
  const char* what;
  std::string init_config;
  std::string named;  // must appear in Falco's error output
};

TEST_F(FalcoCli, BadInitConfigsStopFalcoNamingTheKey) {
  const std::vector<BadConfig> cases = {
      {"unknown key", R"({"label_max_len":100,"enginez":{}})", "enginez"},
      // A YAML map goes through Falco's YAML-to-JSON conversion, which turns
      // the scalar "100" into a number; a JSON string keeps the type.
      {"wrong type", R"({"label_max_len":"many"})", "label_max_len"},
      {"wrong type in a JSON string", R"('{"label_max_len":"100"}')", "label_max_len"},
      {"negative engine_timeout", R"({"engine_timeout":-1})", "engine_timeout"},
      // Falco checks the JSON itself before the plugin sees it.
      {"invalid JSON", R"('{"label_max_len": 100,,}')", "init config is not a valid json"},
      // Past Falco's schema check, our own parser has the last word.
      {"conflicting log levels", R"({"log_level":"debug","verbosity":"error"})",
       "verbosity: conflicts with log_level"},
      {"sockets not a list", R"({"engines":{"docker":{"sockets":"/var/run/docker.sock"}}})", "sockets"},
      {"empty socket path", R"({"engines":{"cri":{"sockets":["/run/crio/crio.sock",""]}}})", "sockets"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.what);
    const auto run =
        testfalco::ReplayCapture(falco(), Config({Official("falco_rules.yaml")}, bad.init_config),
                                 CapturePath("libs_curl_google.scap"));
    std::cout << "[ CONFIG   ] " << bad.what << ": " << ErrorLine(run.result.err) << "\n";
    // A positive exit code: Falco refused; -1 would be a crash or a hang.
    EXPECT_GT(run.result.exit_code, 0) << run.Describe();
    EXPECT_NE((run.result.err + run.result.out).find(bad.named), std::string::npos) << run.Describe();
  }
}

// `init_config: {}` reaches the plugin as null, a missing or empty one as "".
TEST_F(FalcoCli, EmptyInitConfigsMeanDefaults) {
  for (const char* empty : {"{}", "\"\"", "null"}) {
    SCOPED_TRACE(empty);
    const auto run = testfalco::ReplayCapture(falco(), Config({Official("falco_rules.yaml")}, empty),
                                              CapturePath("libs_curl_google.scap"));
    EXPECT_EQ(run.result.exit_code, 0) << run.Describe();
  }
}

// Configs written for the reference plugin 0.7.3 and later load as they are.
TEST_F(FalcoCli, ReferenceConfigLoads) {
  const std::string reference =
      R"({"label_max_len":100,"with_size":false,"hooks":["create"],"engine_timeout":10,
    "engines":{"docker":{"enabled":true,"sockets":["/var/run/docker.sock"]},
      "podman":{"enabled":true,"sockets":["/run/podman/podman.sock"]},
      "containerd":{"enabled":true,"sockets":["/run/host-containerd/containerd.sock"]},
      "cri":{"enabled":true,"sockets":["/run/containerd/containerd.sock","/run/crio/crio.sock"]},
      "lxc":{"enabled":false},"libvirt_lxc":{"enabled":false},"bpm":{"enabled":false}}})";
  const auto run = testfalco::ReplayCapture(falco(), Config({Official("falco_rules.yaml")}, reference),
                                            CapturePath("libs_curl_google.scap"));
  EXPECT_EQ(run.result.exit_code, 0) << run.Describe();
}

// Falco's metrics snapshot shows the plugin's metrics (plugin_get_metrics),
// every one our test host reads, under Falco's prefix.
TEST_F(FalcoCli, MetricsSnapshotShowsEveryMetricOurHostReads) {
  const std::string init =
      R"({"engines":{"docker":{"enabled":true,"sockets":["/nonexistent/docker.sock"]},)"
      R"("podman":{"enabled":false},"containerd":{"enabled":false},"cri":{"enabled":false}}})";
  testfalco::FalcoSettings settings;
  settings.rules_files = {Official("falco_rules.yaml")};
  settings.init_config = init;
  settings.extra_yaml =
      "metrics:\n  enabled: true\n  interval: 1s\n  output_rule: true\n  include_empty_values: true\n"
      "  plugins_metrics_enabled: true\n  resource_utilization_enabled: false\n"
      "  kernel_event_counters_enabled: false\n  libbpf_stats_enabled: false\n";
  const auto run =
      testfalco::ReplayCapture(falco(), workdir_.WriteConfig(settings), CapturePath("libs_curl_google.scap"));
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();
  constexpr std::string_view kPrefix = "plugins.container.";
  std::set<std::string> in_falco;
  for (const auto& alert : run.alerts) {
    if (alert.value("output", "") != "Falco metrics snapshot") continue;
    for (const auto& [name, value] : alert.at("output_fields").items()) {
      if (name.starts_with(kPrefix)) in_falco.insert(name.substr(kPrefix.size()));
    }
  }
  ASSERT_FALSE(in_falco.empty()) << "no metrics snapshot with our metrics\n" << run.Describe();

  std::string error;
  const auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  ASSERT_NE(host, nullptr) << error;
  ASSERT_TRUE(host->Init(init, &error)) << error;
  std::set<std::string> in_host;
  for (const auto& metric : host->Metrics()) in_host.insert(metric.name);
  EXPECT_EQ(in_falco, in_host);
  EXPECT_EQ(in_falco.count("n_docker_removals_relisted"), 1u);
  std::cout << "[ METRICS  ] Falco shows " << in_falco.size() << " of ours, e.g. " << kPrefix
            << "n_docker_removals_relisted\n";
}

}  // namespace
