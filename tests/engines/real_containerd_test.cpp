// Smoke test of the RealContainerd fixture: a real containerd (ctr + CRI) on a private socket.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "engines/proto_entries.h"
#include "engines/real_containerd_cri.h"

namespace testengines {
namespace {

namespace cri = ::runtime::v1;
using Clock = std::chrono::steady_clock;
using libcontainer::engine_testing::EntryMap;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
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

bool CgroupDirExists(const std::string& path) {
  struct stat st {};
  return stat(("/sys/fs/cgroup/memory" + path).c_str(), &st) == 0;
}

class RealContainerdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto t0 = Clock::now();
    containerd_ = RealContainerdCri::Start(&error);
    if (!containerd_) {
      // Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
      if (RequireRealEngines()) FAIL() << "containerd did not start:\n" << error;
      GTEST_SKIP() << "containerd did not start:\n" << error;
    }
    std::printf("[timing] containerd start + image imports: %.0f ms\n", MsSince(t0));
  }

  // Destroys the fixture, reports how long that took and checks nothing of it stayed behind.
  void StopAndCheckClean(const std::vector<std::string>& cgroup_paths) {
    std::string dir = containerd_->dir();
    auto t0 = Clock::now();
    containerd_.reset();
    std::printf("[timing] containerd stop: %.0f ms\n", MsSince(t0));
    EXPECT_TRUE(ProcessesMentioning(dir).empty()) << "containerd or its shims left behind";
    EXPECT_TRUE(MountsUnder(dir).empty()) << "mounts left behind";
    for (const auto& p : cgroup_paths) EXPECT_FALSE(CgroupDirExists(p)) << "cgroup left: " << p;
  }

  std::unique_ptr<RealContainerdCri> containerd_;
};

TEST_F(RealContainerdTest, CtrContainersInTwoNamespaces) {
  ASSERT_TRUE(containerd_->Ping()) << containerd_->last_error();
  const std::string id = RealContainerd::UniqueId("smoke");
  auto t0 = Clock::now();
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", id, true, {{"app", "web"}}))
      << containerd_->last_error();
  std::printf("[timing] ctr run -d: %.0f ms\n", MsSince(t0));
  const pid_t pid = containerd_->TaskPid("default", id);
  ASSERT_GT(pid, 0) << containerd_->last_error();
  EXPECT_TRUE(HasCgroupPath(pid, "/default/" + id)) << CgroupDump(pid);
  std::string info;
  ASSERT_TRUE(containerd_->Ctr({"-n", "default", "containers", "info", id}, &info));
  EXPECT_NE(info.find("\"app\": \"web\""), std::string::npos) << info;

  // Another namespace: the images are imported on first use, the cgroup follows the namespace.
  const std::string other_ns = "smoke-ns-" + std::to_string(getpid());
  const std::string other = RealContainerd::UniqueId("other");
  ASSERT_TRUE(containerd_->CreateCtrContainer(other_ns, other)) << containerd_->last_error();
  const pid_t other_pid = containerd_->TaskPid(other_ns, other);
  ASSERT_GT(other_pid, 0);
  EXPECT_TRUE(HasCgroupPath(other_pid, "/" + other_ns + "/" + other)) << CgroupDump(other_pid);

  // Created only, then started.
  const std::string later = RealContainerd::UniqueId("later");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", later, false)) << containerd_->last_error();
  EXPECT_EQ(containerd_->TaskPid("default", later), 0);
  ASSERT_TRUE(containerd_->StartCtrTask("default", later)) << containerd_->last_error();
  EXPECT_GT(containerd_->TaskPid("default", later), 0);

  t0 = Clock::now();
  ASSERT_TRUE(containerd_->RemoveCtrContainer("default", id)) << containerd_->last_error();
  std::printf("[timing] ctr kill -9 + delete: %.0f ms\n", MsSince(t0));
  EXPECT_FALSE(ProcessAlive(pid));
  std::string list;
  ASSERT_TRUE(containerd_->Ctr({"-n", "default", "containers", "ls", "-q"}, &list));
  EXPECT_EQ(list.find(id + "\n"), std::string::npos) << list;
  EXPECT_FALSE(CgroupDirExists("/default/" + id));

  // `other` and `later` are left running for the destructor to clean up.
  StopAndCheckClean({"/default/" + id, "/" + other_ns + "/" + other, "/default/" + later, "/" + other_ns});
  EXPECT_FALSE(ProcessAlive(other_pid));
}

TEST_F(RealContainerdTest, CriHostNetworkPod) {
  cri::VersionResponse version;
  ASSERT_TRUE(containerd_->cri().Version(&version).ok());
  EXPECT_EQ(version.runtime_api_version(), "v1");
  EXPECT_EQ(version.runtime_name(), "containerd");

  auto t0 = Clock::now();
  const std::string sandbox =
      containerd_->RunHostNetworkPod("smoke-pod", "smoke-ns", "uid-1", {{"tier", "db"}});
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();
  std::printf("[timing] CRI RunPodSandbox: %.0f ms\n", MsSince(t0));
  t0 = Clock::now();
  const std::string container =
      containerd_->CreateAndStartPodContainer(sandbox, "smoke-ctr", {{"app", "api"}});
  ASSERT_EQ(container.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();
  std::printf("[timing] CRI CreateContainer + StartContainer: %.0f ms\n", MsSince(t0));

  const pid_t sandbox_pid = containerd_->TaskPid(RealContainerd::kCriNamespace, sandbox);
  const pid_t pid = containerd_->TaskPid(RealContainerd::kCriNamespace, container);
  ASSERT_GT(sandbox_pid, 0);
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(HasCgroupPath(sandbox_pid, "/k8s.io/" + sandbox)) << CgroupDump(sandbox_pid);
  EXPECT_TRUE(HasCgroupPath(pid, "/k8s.io/" + container)) << CgroupDump(pid);

  std::vector<cri::Container> containers;
  ASSERT_TRUE(containerd_->cri().ListContainers(nullptr, &containers).ok());
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].id(), container);
  EXPECT_EQ(containers[0].pod_sandbox_id(), sandbox);
  EXPECT_EQ(containers[0].metadata().name(), "smoke-ctr");
  EXPECT_EQ(EntryMap(containers[0].labels()).at("app"), "api");
  EXPECT_EQ(containers[0].state(), cri::CONTAINER_RUNNING);
  cri::PodSandboxStatusResponse pod_status;
  ASSERT_TRUE(containerd_->cri().PodSandboxStatus(sandbox, false, &pod_status).ok());
  EXPECT_EQ(pod_status.status().metadata().namespace_(), "smoke-ns");
  EXPECT_EQ(EntryMap(pod_status.status().labels()).at("tier"), "db");
  EXPECT_EQ(pod_status.status().linux().namespaces().options().network(), cri::NODE);

  // A pod under a kubelet-style cgroup parent, left for the destructor.
  const std::string parent = "/kubepods/besteffort/pod-smoke-" + std::to_string(getpid());
  const std::string kube_pod = containerd_->RunHostNetworkPod("kube-pod", "smoke-ns", "uid-2", {}, parent);
  ASSERT_FALSE(kube_pod.empty()) << containerd_->last_error();
  const std::string kube_ctr = containerd_->CreateAndStartPodContainer(kube_pod, "kube-ctr");
  ASSERT_FALSE(kube_ctr.empty()) << containerd_->last_error();
  const pid_t kube_pid = containerd_->TaskPid(RealContainerd::kCriNamespace, kube_ctr);
  EXPECT_TRUE(HasCgroupPath(kube_pid, parent + "/" + kube_ctr)) << CgroupDump(kube_pid);

  t0 = Clock::now();
  ASSERT_TRUE(containerd_->RemovePod(sandbox)) << containerd_->last_error();
  std::printf("[timing] CRI remove pod: %.0f ms\n", MsSince(t0));
  EXPECT_FALSE(ProcessAlive(pid));
  EXPECT_FALSE(ProcessAlive(sandbox_pid));
  std::vector<cri::PodSandbox> pods;
  ASSERT_TRUE(containerd_->cri().ListPodSandbox(nullptr, &pods).ok());
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].id(), kube_pod);
  EXPECT_FALSE(CgroupDirExists("/k8s.io/" + container));

  StopAndCheckClean({"/k8s.io/" + sandbox, "/k8s.io/" + container, parent + "/" + kube_ctr, "/kubepods"});
  EXPECT_FALSE(ProcessAlive(kube_pid));
}

TEST_F(RealContainerdTest, Kill9AndRestart) {
  const std::string id = RealContainerd::UniqueId("survivor");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", id)) << containerd_->last_error();
  const pid_t pid = containerd_->TaskPid("default", id);
  ASSERT_GT(pid, 0);
  const std::string sandbox = containerd_->RunHostNetworkPod("survivor-pod", "smoke-ns", "uid-3");
  ASSERT_FALSE(sandbox.empty()) << containerd_->last_error();
  const std::string container = containerd_->CreateAndStartPodContainer(sandbox, "survivor-ctr");
  ASSERT_FALSE(container.empty()) << containerd_->last_error();
  const pid_t cri_pid = containerd_->TaskPid(RealContainerd::kCriNamespace, container);
  ASSERT_GT(cri_pid, 0);

  const pid_t old_daemon = containerd_->pid();
  containerd_->Kill9();
  EXPECT_FALSE(containerd_->running());
  EXPECT_FALSE(ProcessAlive(old_daemon));
  EXPECT_FALSE(containerd_->Ping());
  // The shims keep the containers alive without the daemon.
  EXPECT_TRUE(ProcessAlive(pid));
  EXPECT_TRUE(ProcessAlive(cri_pid));

  std::string error;
  auto t0 = Clock::now();
  ASSERT_TRUE(containerd_->Restart(&error)) << error;
  std::printf("[timing] containerd restart (ctr + CRI ready): %.0f ms\n", MsSince(t0));
  EXPECT_TRUE(containerd_->Ping());
  EXPECT_EQ(containerd_->TaskPid("default", id), pid);
  EXPECT_EQ(containerd_->TaskPid(RealContainerd::kCriNamespace, container), cri_pid);
  cri::ContainerStatusResponse status;
  ASSERT_TRUE(containerd_->cri().ContainerStatus(container, false, &status).ok());
  EXPECT_EQ(status.status().state(), cri::CONTAINER_RUNNING);

  // Killed again and left dead: the destructor restarts it to clean up.
  containerd_->Kill9();
  StopAndCheckClean({"/default/" + id, "/k8s.io/" + container, "/k8s.io/" + sandbox});
  EXPECT_FALSE(ProcessAlive(pid));
  EXPECT_FALSE(ProcessAlive(cri_pid));
}

}  // namespace
}  // namespace testengines
