// The plugin as a host sees it: loading, identity, config, tables, metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "e2e/test_support.h"

namespace {

using e2e::LoadPlugin;

TEST(PluginLifecycle, IdentityAndCapabilities) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->Name(), "container");
  EXPECT_EQ(host->RequiredApiVersion(), "3.10.0");
  EXPECT_EQ(host->AsyncEventNames(), (std::vector<std::string>{"container", "container_removed"}));
  auto types = host->ParseEventTypes();
  for (uint16_t t : {402, 228, 272, 324, 223, 225, 227, 335, 231, 283, 289, 293, 331, 267, 186}) {
    EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
  }
  auto fields = nlohmann::json::parse(host->FieldsJson());
  EXPECT_EQ(fields.size(), 61u);
  auto schema = nlohmann::json::parse(host->InitSchema());
  EXPECT_TRUE(schema.contains("properties"));
  // Same major as the reference line and not lower than what Falco's
  // official rules require (container 0.4.0).
  EXPECT_EQ(host->Version(), LIBCONTAINER_PROJECT_VERSION);
  int major = -1, minor = -1, patch = -1;
  ASSERT_EQ(std::sscanf(host->Version().c_str(), "%d.%d.%d", &major, &minor, &patch), 3) << host->Version();
  EXPECT_EQ(major, 0);
  EXPECT_GE(minor, 7);  // the reference line we match
}

// What Falco appends to every alert with append_output's suggested_output.
TEST(PluginLifecycle, SuggestsTheReferenceOutputFields) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  std::vector<std::string> suggested;
  for (const auto& field : host->Fields()) {
    if (field.add_output) suggested.push_back(field.name);
  }
  EXPECT_EQ(suggested,
            (std::vector<std::string>{"container.id", "container.name", "container.image.repository",
                                      "container.image.tag", "k8s.pod.name", "k8s.ns.name"}));
}

TEST(PluginLifecycle, RegistersContainersTableWithHostEntry) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->ContainersTableSize(), 1u);
  EXPECT_EQ(host->ContainersTableString("", "name"), "host");
  EXPECT_EQ(host->ContainersTableU32("", "type"), 65534u);
  EXPECT_EQ(host->ContainersTableString("nope00000000", "name"), std::nullopt);
}

struct BadConfig {
  std::string config;
  std::string must_mention;
};

void PrintTo(const BadConfig& bad, std::ostream* os) {
  *os << bad.config;
}

class InvalidConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(InvalidConfig, FailsInitNamingTheKey) {
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  ASSERT_NE(host, nullptr) << error;
  EXPECT_FALSE(host->Init(GetParam().config, &error));
  EXPECT_NE(error.find(GetParam().must_mention), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Configs, InvalidConfig,
    ::testing::Values(BadConfig{R"({"enginez":{}})", "enginez"},
                      BadConfig{R"({"label_max_len":"long"})", "label_max_len"},
                      BadConfig{R"({"hooks":["create","stop"]})", "hooks"},
                      BadConfig{R"({"engines":{"docker":{"sockets":[1]}}})", "engines.docker.sockets"},
                      BadConfig{R"({"engines":{"static":{"enabled":true}}})", "engines.static"},
                      BadConfig{R"({"with_size":1})", "with_size"}, BadConfig{R"({"label_max_len":)", "JSON"},
                      BadConfig{R"([1,2])", "object"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(PluginLifecycle, AcceptsReferenceStyleConfig) {
  auto host =
      LoadPlugin(R"({"label_max_len":100,"with_size":false,"hooks":["create","start"],"verbosity":"warning",
    "engines":{"docker":{"enabled":true,"sockets":["/var/run/docker.sock"]},"lxc":{"enabled":false},
    "static":{"enabled":false}}})");
  ASSERT_NE(host, nullptr);
}

TEST(PluginLifecycle, ReportsMetrics) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  auto metrics = host->Metrics();
  std::vector<std::string> names;
  for (const auto& m : metrics) names.push_back(m.name);
  for (const char* expected :
       {"n_containers", "n_missing_container_images", "n_cgroup_cache_hits", "n_cgroup_cache_misses",
        "n_container_lookups_hit", "n_container_lookups_miss"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

}  // namespace
