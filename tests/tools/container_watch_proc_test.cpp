// --proc: processes grouped by the container their cgroup names, from
// $HOST_ROOT/proc, with no engine reachable; text and JSON lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/fake_docker.h"
#include "tools/watch_runner.h"

namespace {

using watchtest::FullId;
using watchtest::Lines;
using watchtest::RunWatch;

const std::string kDockerId = FullId("d0");

// A $HOST_ROOT whose proc/ holds made-up processes; no socket under it.
class FakeHostRoot {
 public:
  FakeHostRoot() {
    char tmpl[] = "/tmp/container-watch-proc-XXXXXX";
    root_ = mkdtemp(tmpl);
    AddProcess(101, "0::/system.slice/docker-" + kDockerId + ".scope\n", "nginx",
               {"nginx", "-g", "daemon off;"});
    AddProcess(102, "0::/system.slice/docker-" + kDockerId + ".scope\n", "nginx", {"nginx: worker process"});
    // cgroup v1: the container's path on one of several hierarchies.
    AddProcess(201, "12:cpu,cpuacct:/\n11:memory:/lxc/web01\n", "init", {"/sbin/init"});
    AddProcess(1, "0::/init.scope\n", "systemd", {"/sbin/init"});
    AddProcess(2, "0::/\n", "kthreadd", {});
  }
  ~FakeHostRoot() { std::filesystem::remove_all(root_); }
  const std::string& path() const { return root_; }

 private:
  void AddProcess(int pid, const std::string& cgroup, const std::string& comm,
                  const std::vector<std::string>& args) {
    const std::string dir = root_ + "/proc/" + std::to_string(pid);
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/cgroup") << cgroup;
    std::ofstream(dir + "/comm") << comm << "\n";
    std::ofstream cmdline(dir + "/cmdline", std::ios::binary);
    for (const auto& arg : args) cmdline << arg << '\0';
  }
  std::string root_;
};

TEST(ContainerWatchProc, GroupsProcessesByContainerWithNoEngine) {
  FakeHostRoot root;
  const auto result = RunWatch({"--proc", "--table", "--timeout", "2"}, {"HOST_ROOT=" + root.path()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  const std::vector<std::string> expected{
      "docker " + kDockerId.substr(0, 12) + " [no engine record]: 2 processes",
      "      101  nginx -g daemon off;",
      "      102  nginx: worker process",
      "lxc web01: 1 process",
      "      201  /sbin/init",
      "host (in no container): 2 processes",
  };
  EXPECT_EQ(lines, expected) << result.out;
  EXPECT_NE(result.err.find("docker: not reachable"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("5 processes, 2 containers"), std::string::npos) << result.err;
}

TEST(ContainerWatchProc, JsonLinesOnePerContainerAndTheHostLast) {
  FakeHostRoot root;
  const auto result = RunWatch({"--proc", "--timeout", "2"}, {"HOST_ROOT=" + root.path()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  const auto docker = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(docker["container"]["type"], "docker");
  EXPECT_EQ(docker["container"]["full_id"], kDockerId);
  ASSERT_EQ(docker["processes"].size(), 2u);
  EXPECT_EQ(docker["processes"][0]["pid"], 101);
  EXPECT_EQ(docker["processes"][0]["comm"], "nginx");
  EXPECT_EQ(docker["processes"][0]["cmdline"], "nginx -g daemon off;");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["container"]["type"], "lxc");
  const auto host = nlohmann::json::parse(lines[2]);
  EXPECT_TRUE(host["container"].is_null());
  EXPECT_EQ(host["processes"].size(), 2u);
  EXPECT_EQ(host["processes"][1]["cmdline"], "");  // a kernel thread
}

TEST(ContainerWatchProc, AnEngineThatAnswersNamesTheContainer) {
  FakeHostRoot root;
  watchtest::FakeDocker docker;
  docker.engine().SetContainer(kDockerId, watchtest::DockerInspect("d0", "web", "nginx:1.25"));
  // Sockets are under $HOST_ROOT too: a link there leads to the fake.
  std::filesystem::create_symlink(docker.socket(), root.path() + "/docker.sock");
  const auto result =
      RunWatch({"--proc", "--table", "--config", watchtest::OnlyEngine("docker", "/docker.sock")},
               {"HOST_ROOT=" + root.path()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = Lines(result.out);
  ASSERT_FALSE(lines.empty()) << result.out;
  EXPECT_EQ(lines[0], "docker " + kDockerId.substr(0, 12) + " web (nginx:1.25): 2 processes") << result.out;
  EXPECT_NE(result.err.find("docker: connected"), std::string::npos) << result.err;
}

TEST(ContainerWatchProc, AMissingProcIsAnError) {
  char tmpl[] = "/tmp/container-watch-noproc-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  const auto result = RunWatch({"--proc"}, {"HOST_ROOT=" + root});
  std::filesystem::remove_all(root);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("cannot read " + root + "/proc"), std::string::npos) << result.err;
}

}  // namespace
