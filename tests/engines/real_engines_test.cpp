// Smoke test of the real-engine fixtures: real podman and dockerd on private sockets.
#include "engines/real_engines.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace testengines {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
#define START_ENGINE_OR_SKIP(var, Type)                                           \
  std::string var##_error;                                                        \
  auto var = Type::Start(&var##_error);                                           \
  if (!var) {                                                                     \
    if (RequireRealEngines()) FAIL() << #Type " did not start:\n" << var##_error; \
    GTEST_SKIP() << #Type " did not start:\n" << var##_error;                     \
  }

bool HasCgroupPath(pid_t pid, const std::string& path) {
  for (const auto& [controllers, p] : ProcessCgroups(pid)) {
    if (p == path) return true;
  }
  return false;
}

std::string CgroupDump(pid_t pid) {
  std::string s;
  for (const auto& [controllers, p] : ProcessCgroups(pid)) s += controllers + ":" + p + "\n";
  return s;
}

// Destroys the engine, reports how long that took and checks nothing of it stayed behind.
template <typename T>
void StopAndCheckClean(std::unique_ptr<T>& engine) {
  std::string dir = engine->dir();
  const char* name = engine->name();
  auto t0 = Clock::now();
  engine.reset();
  std::printf("[timing] %s stop: %.0f ms\n", name, MsSince(t0));
  EXPECT_TRUE(ProcessesMentioning(dir).empty()) << name << " left processes behind";
  EXPECT_TRUE(MountsUnder(dir).empty()) << name << " left mounts behind";
}

// Create + start, check the container's init cgroup, remove, then kill -9 / restart the daemon.
template <typename T>
void ExerciseEngine(T& engine, const std::string& expected_cgroup_prefix) {
  ASSERT_TRUE(engine.Ping());
  auto t0 = Clock::now();
  std::string id = engine.CreateContainer("smoke-" + std::string(engine.name()));
  ASSERT_EQ(id.size(), 64u) << engine.last_error();
  std::printf("[timing] %s run -d: %.0f ms\n", engine.name(), MsSince(t0));

  pid_t pid = ContainerPid(engine, id);
  ASSERT_GT(pid, 0) << engine.last_error();
  EXPECT_TRUE(HasCgroupPath(pid, expected_cgroup_prefix + id)) << CgroupDump(pid);

  // The REST API on the private socket sees the CLI's container.
  std::string body;
  EXPECT_EQ(engine.HttpGet("/v1.41/containers/" + id + "/json", &body), 200) << body;

  ASSERT_TRUE(engine.RemoveContainer(id)) << engine.last_error();
  EXPECT_EQ(engine.HttpGet("/v1.41/containers/" + id + "/json"), 404);
  // rm -f SIGKILLs the init; it is gone once rm returns.
  EXPECT_FALSE(ProcessAlive(pid)) << "container init " << pid << " still alive";

  // kill -9 leaves the socket dead; Restart brings it back on the same socket and storage, and the
  // running container survives both (docker: thanks to --live-restore).
  std::string keep = engine.CreateContainer("", {}, /*start=*/false);
  ASSERT_FALSE(keep.empty()) << engine.last_error();
  std::string survivor = engine.CreateContainer("survivor-" + std::string(engine.name()));
  ASSERT_FALSE(survivor.empty()) << engine.last_error();
  pid_t survivor_pid = ContainerPid(engine, survivor);
  pid_t old_pid = engine.pid();
  engine.Kill9();
  EXPECT_FALSE(engine.running());
  EXPECT_FALSE(engine.Ping());
  EXPECT_FALSE(ProcessAlive(old_pid));
  EXPECT_TRUE(ProcessAlive(survivor_pid));
  std::string error;
  ASSERT_TRUE(engine.Restart(&error)) << error;
  std::printf("[timing] %s restart: %.0f ms\n", engine.name(), engine.last_start_ms());
  EXPECT_TRUE(engine.Ping());
  EXPECT_NE(engine.pid(), old_pid);
  EXPECT_EQ(engine.HttpGet("/v1.41/containers/" + keep + "/json", &body), 200) << body;
  EXPECT_EQ(ContainerPid(engine, survivor), survivor_pid);
  EXPECT_TRUE(ProcessAlive(survivor_pid));
  std::string out;
  EXPECT_TRUE(engine.Run({"ps", "-a", "-q"}, &out)) << out;
}

TEST(RealEnginesTest, WorkspaceHasBusyboxRootfs) {
  EngineWorkspace& ws = EngineWorkspace::Get();
  ASSERT_TRUE(ws.ok()) << ws.error();
  EXPECT_EQ(ws.dir().rfind("/tmp/ct-engines.", 0), 0u) << ws.dir();
  EXPECT_EQ(access((ws.rootfs_dir() + "/bin/sh").c_str(), X_OK), 0);
  EXPECT_EQ(access(ws.rootfs_tar().c_str(), R_OK), 0);
}

TEST(RealEnginesTest, RunCommandCapturesOutputAndTimesOut) {
  CommandResult r = RunCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  auto t0 = Clock::now();
  r = RunCommand({"/bin/sleep", "10"}, {}, 100);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(MsSince(t0), 5000);
  r = RunCommand({"/bin/sh", "-c", "echo $FOO"}, {"FOO=bar"});
  EXPECT_EQ(r.out, "bar\n");
}

TEST(RealEnginesTest, Podman) {
  auto t0 = Clock::now();
  START_ENGINE_OR_SKIP(podman, RealPodman);
  std::printf("[timing] podman start (incl. image import): %.0f ms, pid %d, socket %s\n", MsSince(t0),
              podman->pid(), podman->socket().c_str());
  ExerciseEngine(*podman, "/libpod_parent/libpod-");
  StopAndCheckClean(podman);
}

TEST(RealEnginesTest, Docker) {
  auto t0 = Clock::now();
  START_ENGINE_OR_SKIP(docker, RealDocker);
  std::printf("[timing] docker start (incl. image load): %.0f ms, pid %d, driver %s, socket %s\n",
              MsSince(t0), docker->pid(), docker->storage_driver().c_str(), docker->socket().c_str());
  ExerciseEngine(*docker, "/docker/");
  StopAndCheckClean(docker);
}

TEST(RealEnginesTest, BothAtOnceWithRunningContainers) {
  START_ENGINE_OR_SKIP(podman, RealPodman);
  START_ENGINE_OR_SKIP(docker, RealDocker);
  EXPECT_NE(podman->socket(), docker->socket());
  // Running containers left for the destructors to remove, and one daemon killed without a restart.
  EXPECT_FALSE(podman->CreateContainer("both-p").empty()) << podman->last_error();
  EXPECT_FALSE(docker->CreateContainer("both-d").empty()) << docker->last_error();
  EXPECT_TRUE(podman->Ping());
  EXPECT_TRUE(docker->Ping());
  docker->Kill9();
  StopAndCheckClean(docker);
  StopAndCheckClean(podman);
}

}  // namespace
}  // namespace testengines
