// Follow mode against a fake docker: one JSON line per change, with the
// event named; nothing repeated after a reconnect; unreachable engines said
// at start; the table reprinted on changes when asked for.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engines/fake_engine.h"
#include "tools/fake_docker.h"
#include "tools/watch_runner.h"

namespace {

using libcontainer::engine_testing::CountRequests;
using libcontainer::engine_testing::EventLine;
using libcontainer::engine_testing::WaitFor;
using watchtest::FakeDocker;
using watchtest::FollowingWatch;
using watchtest::FullId;
using watchtest::OnlyEngine;

std::vector<nlohmann::json> Records(const std::vector<std::string>& lines) {
  std::vector<nlohmann::json> out;
  out.reserve(lines.size());
  for (const auto& line : lines) out.push_back(nlohmann::json::parse(line));
  return out;
}

// The records of one container, by its full id.
std::vector<nlohmann::json> Of(const std::vector<std::string>& lines, const std::string& full_id) {
  std::vector<nlohmann::json> out;
  for (auto& record : Records(lines)) {
    if (record["container"].value("full_id", "") == full_id) out.push_back(record);
  }
  return out;
}

auto Has(const std::string& full_id, const std::string& event) {
  return [=](const std::vector<std::string>& lines) {
    for (const auto& record : Of(lines, full_id)) {
      if (record["event"] == event) return true;
    }
    return false;
  };
}

TEST(ContainerWatchFollow, EachChangeIsOneJsonLineNamingTheEvent) {
  FakeDocker docker;
  docker.engine().SetContainer(FullId("c1"), watchtest::DockerInspect("c1", "web", "nginx:1.25"));
  FollowingWatch watch({"--config", OnlyEngine("docker", docker.socket())});
  ASSERT_TRUE(watch.started());
  ASSERT_TRUE(watch.WaitForOutput(Has(FullId("c1"), "added"))) << watch.Err();
  ASSERT_TRUE(WaitFor([&] { return docker.engine().subscriptions() >= 1; }));

  // docker names a new container in its event before the inspect answers:
  // added from the event, then updated with the inspected record.
  docker.engine().SetContainer(FullId("c3"), watchtest::DockerInspect("c3", "new", "nginx:1.25"));
  docker.engine().PushEvent(EventLine("create", FullId("c3")));
  ASSERT_TRUE(watch.WaitForOutput(Has(FullId("c3"), "updated"))) << watch.Err();
  docker.engine().PushEvent(EventLine("destroy", FullId("c3")));
  ASSERT_TRUE(watch.WaitForOutput(Has(FullId("c3"), "removed"))) << watch.Err();
  EXPECT_EQ(watch.Stop(), 0) << watch.Err();

  const auto lines = watch.OutLines();
  const auto c3 = Of(lines, FullId("c3"));
  ASSERT_EQ(c3.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_EQ(c3[0]["event"], "added");
  EXPECT_EQ(c3[0]["container"]["name"], "x");  // the event's own name
  EXPECT_EQ(c3[0]["container"]["type"], "docker");
  EXPECT_EQ(c3[1]["event"], "updated");
  EXPECT_EQ(c3[1]["container"]["name"], "new");
  EXPECT_EQ(c3[2]["event"], "removed");
  EXPECT_EQ(c3[2]["container"]["name"], "new");
  EXPECT_EQ(c3[2]["container"]["image"], "nginx:1.25");
  EXPECT_NE(watch.Err().find("docker: connected"), std::string::npos) << watch.Err();
  EXPECT_NE(watch.Err().find("1 container known at exit"), std::string::npos) << watch.Err();
}

TEST(ContainerWatchFollow, AReconnectRepeatsNothing) {
  FakeDocker docker;
  docker.engine().SetContainer(FullId("c1"), watchtest::DockerInspect("c1", "web", "nginx:1.25"));
  FollowingWatch watch({"--json", "--config", OnlyEngine("docker", docker.socket())});
  ASSERT_TRUE(watch.WaitForOutput(Has(FullId("c1"), "added"))) << watch.Err();
  ASSERT_TRUE(WaitFor([&] { return docker.engine().subscriptions() >= 1; }));
  const std::string inspect_c1 = "/containers/" + FullId("c1") + "/json";
  const size_t inspects_before = CountRequests(docker.server(), inspect_c1);

  // The daemon ends its event stream: the watcher re-lists and re-inspects.
  docker.engine().EndStreams();
  ASSERT_TRUE(WaitFor([&] { return docker.engine().subscriptions() >= 2; })) << watch.Err();
  ASSERT_TRUE(WaitFor([&] { return CountRequests(docker.server(), inspect_c1) > inspects_before; }));
  // Something new after the reconnect proves the watch still prints.
  docker.engine().SetContainer(FullId("c4"), watchtest::DockerInspect("c4", "later", "redis:7"));
  docker.engine().PushEvent(EventLine("create", FullId("c4")));
  ASSERT_TRUE(watch.WaitForOutput(Has(FullId("c4"), "updated"))) << watch.Err();
  EXPECT_EQ(watch.Stop(), 0);

  const auto c1 = Of(watch.OutLines(), FullId("c1"));
  ASSERT_EQ(c1.size(), 1u) << ::testing::PrintToString(watch.OutLines());
  EXPECT_EQ(c1[0]["event"], "added");
}

TEST(ContainerWatchFollow, UnreachableEnginesAreSaidAtStart) {
  FollowingWatch watch(
      {"--json", "--timeout", "2", "--config", OnlyEngine("docker", "/nonexistent/docker.sock")});
  ASSERT_TRUE(watch.WaitForStderr("docker: not reachable: /nonexistent/docker.sock: no such file"))
      << watch.Err();
  EXPECT_EQ(watch.Stop(), 0);
  EXPECT_TRUE(watch.OutLines().empty());
}

TEST(ContainerWatchFollow, TheTableIsPrintedAgainOnEachChange) {
  FakeDocker docker;
  docker.engine().SetContainer(FullId("c1"), watchtest::DockerInspect("c1", "web", "nginx:1.25"));
  FollowingWatch watch({"--table", "--config", OnlyEngine("docker", docker.socket())});
  auto row = [](const std::string& name, const std::string& state) {
    return [=](const std::vector<std::string>& lines) {
      for (const auto& line : lines) {
        if (line.find("  " + name + "  ") != std::string::npos && line.find(state) != std::string::npos)
          return true;
      }
      return false;
    };
  };
  ASSERT_TRUE(watch.WaitForOutput(row("web", "complete"))) << watch.Err();
  ASSERT_TRUE(WaitFor([&] { return docker.engine().subscriptions() >= 1; }));
  docker.engine().PushEvent(EventLine("destroy", FullId("c1")));
  ASSERT_TRUE(watch.WaitForOutput(row("web", "removed"))) << watch.Err();
  EXPECT_EQ(watch.Stop(), 0);
  EXPECT_EQ(watch.OutLines()[0].rfind("ENGINE", 0), 0u);
}

}  // namespace
