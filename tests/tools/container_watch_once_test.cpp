// --once: what it lists and says, and its exit code, against a fake docker
// and against sockets that are not there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "tools/fake_docker.h"
#include "tools/watch_runner.h"

namespace {

using watchtest::Lines;
using watchtest::OnlyEngine;
using watchtest::RunWatch;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/container-watch-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ContainerWatchOnce, NothingReachableExitsThreeWithShortReasons) {
  // $HOST_ROOT prefixes every default socket: none exists under an empty dir.
  TempDir root;
  const auto result = RunWatch({"--once", "--json"}, {"HOST_ROOT=" + root.path()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  for (const char* engine : {"docker", "podman", "containerd", "cri"}) {
    EXPECT_NE(result.err.find(std::string(engine) + ": not reachable"), std::string::npos) << result.err;
  }
  EXPECT_NE(result.err.find("docker: not reachable: " + root.path() + "/var/run/docker.sock: no such file"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("0 containers listed"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("no engine reachable; this machine's cgroups show 0 containers"),
            std::string::npos)
      << result.err;
  for (const auto& line : Lines(result.err)) EXPECT_LT(line.size(), 200u) << line;
}

TEST(ContainerWatchOnce, TheTableWithNothingReachableShowsThisMachinesProcesses) {
  TempDir root;
  std::filesystem::create_directory_symlink("/proc", root.path() + "/proc");
  const auto result = RunWatch({"--once", "--table"}, {"HOST_ROOT=" + root.path()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.out.find("(no containers)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("No engine reachable. This machine's processes by container"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("host (in no container): "), std::string::npos) << result.out;
}

TEST(ContainerWatchOnce, EveryUnreachableSocketIsNamedWithTheReason) {
  TempDir dir;
  const std::string file = dir.path() + "/plain-file.sock";
  std::ofstream(file) << "not a socket";
  nlohmann::json config = nlohmann::json::parse(OnlyEngine("docker", dir.path() + "/a/docker.sock"));
  config["engines"]["docker"]["sockets"].push_back(dir.path() + "/b/docker.sock");
  config["engines"]["docker"]["sockets"].push_back(file);
  const auto result = RunWatch({"--once", "--timeout", "5", "--config", config.dump()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("docker: not reachable: " + dir.path() + "/a/docker.sock, " + dir.path() +
                            "/b/docker.sock: no such file; " + file + ": not a socket"),
            std::string::npos)
      << result.err;
}

TEST(ContainerWatchOnce, ListsAFakeDockersContainersAsJsonLines) {
  watchtest::FakeDocker docker;
  docker.engine().SetContainer(watchtest::FullId("c1"), watchtest::DockerInspect("c1", "web", "nginx:1.25"));
  const auto result = RunWatch({"--once", "--json", "--config", OnlyEngine("docker", docker.socket())});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 1u) << result.out;
  const auto record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record["event"], "added");
  EXPECT_EQ(record["container"]["type"], "docker");
  EXPECT_EQ(record["container"]["id"], watchtest::FullId("c1").substr(0, 12));
  EXPECT_EQ(record["container"]["name"], "web");
  EXPECT_EQ(record["container"]["image"], "nginx:1.25");
  EXPECT_NE(result.err.find("docker: connected"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("1 container listed"), std::string::npos) << result.err;
}

TEST(ContainerWatchOnce, TheTableHasOneRowPerContainer) {
  watchtest::FakeDocker docker;
  docker.engine().SetContainer(watchtest::FullId("c1"), watchtest::DockerInspect("c1", "web", "nginx:1.25"));
  docker.engine().SetContainer(watchtest::FullId("c2"),
                               watchtest::DockerInspect("c2", "api", "registry.example/team/api:2",
                                                        R"({"io.kubernetes.pod.name":"api-7d9",)"
                                                        R"("io.kubernetes.pod.namespace":"shop"})"));
  const auto result = RunWatch({"--once", "--table", "--config", OnlyEngine("docker", docker.socket())});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0].rfind("ENGINE  ID", 0), 0u) << result.out;
  for (const char* column : {"NAME", "IMAGE", "POD", "STATE"}) {
    EXPECT_NE(lines[0].find(column), std::string::npos) << lines[0];
  }
  EXPECT_NE(lines[1].find("docker  " + watchtest::FullId("c1").substr(0, 12) + "  web"), std::string::npos)
      << result.out;
  EXPECT_NE(lines[1].find("complete"), std::string::npos) << result.out;
  EXPECT_NE(lines[2].find("registry.example/team/api:2"), std::string::npos) << result.out;
  EXPECT_NE(lines[2].find("shop/api-7d9"), std::string::npos) << result.out;
}

}  // namespace
