// container-watch's exit codes for usage and config errors, and the modes
// that need no engine: each answer is one line naming the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/watch_runner.h"

namespace {

using watchtest::Lines;
using watchtest::RunWatch;

void ExpectUsageError(const std::vector<std::string>& args, const std::string& reason) {
  const auto result = RunWatch(args);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  const auto lines = Lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
}

TEST(ContainerWatchArgs, BadArgumentsExitTwoWithOneLine) {
  ExpectUsageError({"--once", "--timeout", "soon"},
                   "--timeout needs a positive number of seconds, got 'soon'");
  ExpectUsageError({"--timeout"}, "--timeout needs a value");
  ExpectUsageError({"--frobnicate"}, "unknown argument '--frobnicate'");
  ExpectUsageError({"--proc", "--fields"}, "--proc and --fields cannot be combined");
}

TEST(ContainerWatchArgs, BadConfigExitsTwoNamingTheKey) {
  ExpectUsageError({"--once", "--config", R"({"engines":{"docker":{"sockets":"x"}}})"},
                   "engines.docker.sockets");
  ExpectUsageError({"--once", "--config", "{not json"}, "invalid config");
}

TEST(ContainerWatchArgs, AnUnreadableConfigFileExitsTwo) {
  ExpectUsageError({"--once", "--config", "@/nonexistent.json"},
                   "--config @/nonexistent.json: cannot read /nonexistent.json: No such file or directory");
  ExpectUsageError({"--once", "--config", "@/"}, "--config @/: cannot read /: Is a directory");
}

TEST(ContainerWatchArgs, NoSocketEngineEnabledExitsTwo) {
  nlohmann::json config = nlohmann::json::parse(watchtest::OnlyEngine("lxc", ""));
  ExpectUsageError({"--once", "--config", config.dump()}, "no socket engine enabled in the config");
}

TEST(ContainerWatchArgs, HelpPrintsUsageAndExitsZero) {
  const auto result = RunWatch({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("usage: container-watch"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("3 --once reached no engine"), std::string::npos) << result.out;
}

TEST(ContainerWatchArgs, FieldsListsThePluginsFieldTable) {
  const auto result = RunWatch({"--fields"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  EXPECT_EQ(lines.size(), 61u) << result.out;
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("container.id ", 0), 0u) << lines[0];
  EXPECT_NE(result.out.find("container.label[key]"), std::string::npos);
  EXPECT_NE(result.out.find("container.mount[idx|key]"), std::string::npos);
}

TEST(ContainerWatchArgs, SchemaIsTheInitConfigJsonSchema) {
  const auto result = RunWatch({"--schema"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto schema = nlohmann::json::parse(result.out);
  EXPECT_TRUE(schema["properties"].contains("engines")) << result.out;
  EXPECT_TRUE(schema["properties"].contains("engine_timeout")) << result.out;
}

}  // namespace
