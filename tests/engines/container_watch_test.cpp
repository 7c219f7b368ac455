// The README's run command, container-watch, against real dockerd and podman:
// what it prints for a container that exists, and what it says of its engines.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engines/real_engines.h"

namespace {

using testengines::RealEngine;

std::unique_ptr<RealEngine> StartEngine(const std::string& kind, std::string* error) {
  if (kind == "docker") return testengines::RealDocker::Start(error);
  return testengines::RealPodman::Start(error);
}

// Only `kind` enabled, on the fixture's socket.
std::string OnlyEngine(const std::string& kind, const std::string& socket) {
  nlohmann::json engines;
  for (const char* name : {"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc", "bpm"}) {
    engines[name]["enabled"] = kind == name;
  }
  engines[kind]["sockets"] = {socket};
  return nlohmann::json{{"engines", engines}}.dump();
}

testengines::CommandResult Watch(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CONTAINER_WATCH_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return testengines::RunCommand(argv, {}, 120000);
}

std::vector<std::string> Lines(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ContainerWatch : public ::testing::TestWithParam<std::string> {};

TEST_P(ContainerWatch, OncePrintsExistingContainersAndSaysItIsConnected) {
  std::string error;
  auto engine = StartEngine(GetParam(), &error);
  if (engine == nullptr) {
    if (testengines::RequireRealEngines()) FAIL() << GetParam() << " did not start:\n" << error;
    GTEST_SKIP() << GetParam() << " did not start:\n" << error;
  }
  const std::string id = engine->CreateContainer("listed-by-cli", {"--label", "via=cli"});
  ASSERT_FALSE(id.empty()) << engine->last_error();

  const auto result =
      Watch({"--once", "--timeout", "30", "--config", OnlyEngine(GetParam(), engine->socket())});
  ASSERT_TRUE(result.ok()) << result.exit_code << "\n" << result.err;
  bool found = false;
  for (const auto& line : Lines(result.out)) {
    const auto doc = nlohmann::json::parse(line);
    EXPECT_EQ(doc.value("event", ""), "added") << line;  // --once: each container once
    const auto& container = doc.at("container");
    if (container.value("full_id", "") != id) continue;
    found = true;
    EXPECT_EQ(container.value("id", ""), id.substr(0, 12));
    EXPECT_EQ(container.value("name", ""), "listed-by-cli");
    EXPECT_EQ(container["labels"].value("via", ""), "cli");
    EXPECT_EQ(container.value("type", ""), GetParam());
  }
  EXPECT_TRUE(found) << result.out;
  EXPECT_NE(result.err.find(GetParam() + ": connected"), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, ContainerWatch, ::testing::Values("docker", "podman"),
                         [](const auto& info) { return info.param; });

// Arguments, exit codes and every mode without daemons: tests/tools.

}  // namespace
