#include "core/cgroup_matcher.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace libcontainer {
namespace {

// Ids recorded on the engines of this machine kind (engines-on-this-machine.md).
const std::string kPodmanId = "8ea1431f93ae58f7cc783d4d649025bba7487656e8d6fe927f76d6b3e2a15fd0";
const std::string kDockerId = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
const std::string kCriId = "c49553200d69fa382feba5a5c76f506c39a2dbd2ad59b9e87c8c83dabb623e00";
// Other 64-hex ids for recorded systemd-style and pod layouts.
const std::string kPodId = "3f1d6e0b9c2a4e8f7b5d1c0a9e8f7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6";
const std::string kInnerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kPodUid = "pod2a7b4c8d-1e2f-4a5b-9c6d-7e8f9a0b1c2d";
const std::string kPodUidSystemd = "pod2a7b4c8d_1e2f_4a5b_9c6d_7e8f9a0b1c2d";
const std::string kBurstablePodSlice =
    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" + kPodUidSystemd + ".slice";
const std::string kBestEffortPodSlice =
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" + kPodUidSystemd + ".slice";
const std::string kRootlessUserSlice = "/user.slice/user-1000.slice/user@1000.service/user.slice";
const std::string kCephFsid = "c3d2a1b0-9f8e-11ee-8c90-0242ac120002";

std::string Short(const std::string& id) {
  return id.substr(0, 12);
}

struct Positive {
  std::string name;
  std::string path;
  std::string id;
  std::string full_id;
  ContainerType type;
  bool metadata_from_cgroup = false;
};

Positive Runc(std::string name, std::string path, const std::string& full_id, ContainerType type) {
  return {std::move(name), std::move(path), Short(full_id), full_id, type, false};
}

Positive Named(std::string name, std::string path, std::string id, ContainerType type) {
  return {std::move(name), std::move(path), id, id, type, true};
}

std::vector<Positive> Positives() {
  using T = ContainerType;
  return {
      // podman, cgroupfs (recorded here).
      Runc("PodmanCgroupfs", "/libpod_parent/libpod-" + kPodmanId, kPodmanId, T::kPodman),
      Runc("PodmanInPod", "/libpod_parent/" + kPodId + "/libpod-" + kPodmanId, kPodmanId, T::kPodman),
      Runc("PodmanPodInfra", "/libpod_parent/" + kPodId + "/libpod-" + kInnerId, kInnerId, T::kPodman),
      Runc("PodmanCgroupParent", "/probe-parent/libpod-" + kPodmanId, kPodmanId, T::kPodman),
      // podman, systemd (recorded).
      Runc("PodmanSystemd", "/machine.slice/libpod-" + kPodmanId + ".scope", kPodmanId, T::kPodman),
      Runc("PodmanSystemdSplit", "/machine.slice/libpod-" + kPodmanId + ".scope/container", kPodmanId,
           T::kPodman),
      Runc("PodmanSystemdPod",
           "/machine.slice/machine-libpod_pod_" + kPodId + ".slice/libpod-" + kPodmanId + ".scope", kPodmanId,
           T::kPodman),
      Runc("PodmanRootless", kRootlessUserSlice + "/libpod-" + kPodmanId + ".scope", kPodmanId, T::kPodman),
      Runc("PodmanRootlessSplit", kRootlessUserSlice + "/libpod-" + kPodmanId + ".scope/container", kPodmanId,
           T::kPodman),
      Runc("PodmanPayload",
           "/system.slice/system-ceph\\x2d" + kCephFsid + ".slice/ceph-" + kCephFsid +
               "@mon.a.service/libpod-payload-" + kPodmanId,
           kPodmanId, T::kPodman),
      Runc("PodmanPayloadScope", "/machine.slice/libpod-payload-" + kPodmanId + ".scope", kPodmanId,
           T::kPodman),
      // docker.
      Runc("DockerCgroupfs", "/docker/" + kDockerId, kDockerId, T::kDocker),
      Runc("DockerSystemd", "/system.slice/docker-" + kDockerId + ".scope", kDockerId, T::kDocker),
      Runc("DockerRootless", kRootlessUserSlice + "/docker-" + kDockerId + ".scope", kDockerId, T::kDocker),
      Runc("DockerCgroupParent", "/probe-dparent/" + kDockerId, kDockerId, T::kUnknown),
      Runc("DockerActionsJob", "/actions_job/" + kDockerId, kDockerId, T::kUnknown),
      Runc("DockerSystemdInit", "/system.slice/docker-" + kDockerId + ".scope/init.scope", kDockerId,
           T::kDocker),
      Runc("DockerSystemdNestedService",
           "/system.slice/docker-" + kDockerId + ".scope/system.slice/nginx.service", kDockerId, T::kDocker),
      Runc("DockerInDocker", "/docker/" + kDockerId + "/docker/" + kInnerId, kInnerId, T::kDocker),
      Runc("ConmonInsideDocker", "/docker/" + kDockerId + "/conmon", kDockerId, T::kDocker),
      Runc("EcsTask", "/ecs/5a0d5f3bd4a84b9aa2d1c0f0e5b6a7c8/" + kDockerId, kDockerId, T::kUnknown),
      Runc("CriDockerd", kBurstablePodSlice + "/docker-" + kDockerId + ".scope", kDockerId, T::kDocker),
      // containerd CRI.
      Runc("CriCgroupfsRecorded", "/kubepods/besteffort/podprobe-pod-uid-1/" + kCriId, kCriId, T::kUnknown),
      Runc("CriCgroupfsBurstable", "/kubepods/burstable/" + kPodUid + "/" + kCriId, kCriId, T::kUnknown),
      Runc("CriCgroupfsGuaranteed", "/kubepods/" + kPodUid + "/" + kCriId, kCriId, T::kUnknown),
      Runc("CriNoParent", "/k8s.io/" + kCriId, kCriId, T::kContainerd),
      Runc("CriSandboxNoParent", "/k8s.io/" + kPodId, kPodId, T::kContainerd),
      Runc("CriSystemd", kBurstablePodSlice + "/cri-containerd-" + kCriId + ".scope", kCriId, T::kContainerd),
      Runc("CriColon", "/kubepods-burstable-" + kPodUidSystemd + ".slice:cri-containerd:" + kCriId, kCriId,
           T::kContainerd),
      Runc("CriColonUnderService",
           "/system.slice/containerd.service/kubepods-burstable-" + kPodUidSystemd +
               ".slice:cri-containerd:" + kCriId,
           kCriId, T::kContainerd),
      Runc("KindNode",
           "/system.slice/docker-" + kDockerId +
               ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
               "kubelet-kubepods-besteffort-" +
               kPodUidSystemd + ".slice/cri-containerd-" + kCriId + ".scope",
           kCriId, T::kContainerd),
      // cri-o.
      Runc("CrioCgroupfs", "/kubepods/besteffort/" + kPodUid + "/crio-" + kCriId, kCriId, T::kCrio),
      Runc("CrioSystemd", kBestEffortPodSlice + "/crio-" + kCriId + ".scope", kCriId, T::kCrio),
      Runc("CrioSystemdGuaranteed",
           "/kubepods.slice/kubepods-" + kPodUidSystemd + ".slice/crio-" + kCriId + ".scope", kCriId,
           T::kCrio),
      Runc("CrioSystemdSubCgroup", kBestEffortPodSlice + "/crio-" + kCriId + ".scope/container", kCriId,
           T::kCrio),
      // nerdctl and ctr.
      Runc("Nerdctl", "/system.slice/nerdctl-" + kCriId + ".scope", kCriId, T::kContainerd),
      Runc("CtrRuncId", "/default/" + kCriId, kCriId, T::kContainerd),
      {"CtrRecorded", "/default/probe-run", "probe-run", "probe-run", T::kContainerd, false},
      {"CtrLongName", "/default/test_container", "test_contain", "test_container", T::kContainerd, false},
      {"CtrK8sNamespace", "/k8s.io/my-test_container", "my-test_cont", "my-test_container", T::kContainerd,
       false},
      {"CtrOwnNamespace", "/my.ns-1/web", "web", "web", T::kContainerd, false},
      {"CtrTrailingSlash", "/default/probe-run/", "probe-run", "probe-run", T::kContainerd, false},
      // lxc.
      Named("LxcLegacy", "/lxc/web01", "web01", T::kLxc),
      Named("LxcPayloadDir", "/lxc.payload/web01", "web01", T::kLxc),
      Named("LxcPayloadRecorded", "/lxc.payload.probe", "probe", T::kLxc),
      Named("LxcPayloadSystemdInside", "/lxc.payload.web01/init.scope", "web01", T::kLxc),
      Named("LxcNested", "/lxc.payload.outer/lxc.payload.inner", "inner", T::kLxc),
      Named("LxcHexName", "/lxc/" + kInnerId, kInnerId, T::kLxc),
      // libvirt-lxc.
      Named("LibvirtCgroupfs", "/machine/web.libvirt-lxc", "web", T::kLibvirtLxc),
      Named("LibvirtSystemd", "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope",
            "2293906\\x2dlibvirt\\x2dcontainer", T::kLibvirtLxc),
      Named("LibvirtSystemdSub",
            "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope/libvirt",
            "2293906\\x2dlibvirt\\x2dcontainer", T::kLibvirtLxc),
      Named("LibvirtLegacy", "/libvirt/lxc/container1", "container1", T::kLibvirtLxc),
      // bpm.
      Named("Bpm", "/system.slice/bpm-myjob.scope", "myjob", T::kBpm),
      Named("BpmDottedName", "/system.slice/bpm-job_1.web-2.scope", "job_1.web-2", T::kBpm),
  };
}

std::vector<std::string> Negatives() {
  const std::string hex63 = kDockerId.substr(0, 63);
  const std::string hex65 = kDockerId + "0";
  std::string non_hex = kDockerId;
  non_hex[40] = 'g';
  std::string upper_hex = kDockerId;
  for (char& c : upper_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {
      "",
      "/",
      "//",
      "/init.scope",
      "/user.slice",
      "/user.slice/user-1000.slice/session-2.scope",
      "/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-1234.scope",
      kRootlessUserSlice + "/podman-1234.scope",
      "/system.slice",
      "/system.slice/docker.service",
      "/system.slice/containerd.service",
      "/system.slice/snap.docker.dockerd.service",
      "/system.slice/docker.socket",
      "/docker",
      "/docker/probe",
      "/kubepods",
      "/kubepods/burstable",
      "/kubepods/besteffort/podprobe-pod-uid-1",
      "/kubepods/burstable/" + kPodUid,
      "/kubepods/" + kPodUid,
      "/kubepods.slice",
      "/kubepods.slice/kubepods-burstable.slice",
      kBurstablePodSlice,
      kBestEffortPodSlice + "/crio-conmon-" + kCriId + ".scope",
      "/kubepods/besteffort/" + kPodUid + "/" + non_hex,
      // podman helpers and pod directories.
      "/libpod_parent",
      "/libpod_parent/conmon",
      "/libpod_parent/" + kPodId,
      "/libpod_parent/" + kPodId + "/conmon",
      "/probe-parent/conmon",
      "/probe-parent/" + kPodId + "/conmon",
      "/machine.slice/libpod-conmon-" + kPodmanId + ".scope",
      "/machine.slice/machine-libpod_pod_" + kPodId + ".slice",
      // lxc helpers.
      "/lxc",
      "/lxc.monitor.probe",
      "/lxc.pivot",
      "/lxc.monitor/probe",
      "/lxc.pivot/probe",
      "/lxc.payload.",
      // libvirt non-lxc.
      "/machine",
      "/machine.slice",
      "/machine/qemu-1-vm.libvirt-qemu",
      "/machine/qemu-1-vm.libvirt-qemu/emulator",
      "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope",
      "/machine/.libvirt-lxc",
      "/machine.slice/machine-debian.scope",  // systemd-nspawn
      // the session cgroup of this machine kind's CI.
      "/process_api/96d2cacb9d16343789e4ffd8220a85b1",
      // malformed runc ids.
      "/docker/" + hex63,
      "/docker/" + hex65,
      "/docker/" + non_hex,
      "/docker/" + upper_hex,
      "/system.slice/docker-" + hex63 + ".scope",
      "/system.slice/docker-" + non_hex + ".scope",
      "/system.slice/docker-" + upper_hex + ".scope",
      "/machine.slice/libpod-" + hex65 + ".scope",
      "/default/" + hex63,
      "/probe-dparent/" + hex63,
      "/kubepods-burstable-" + kPodUidSystemd + ".slice:cri-containerd:" + hex63,
      "/x:" + kCriId,
      // not a ctr container.
      "/default/x.scope",
      "/default/bad..name",
      "/default/-lead",
      "/a/b/c",
      "/system.slice/bpm-foo.service",
      "/system.slice/bpm-.scope",
  };
}

std::string CaseName(const testing::TestParamInfo<Positive>& info) {
  return info.param.name;
}

class CgroupMatcherPositiveTest : public testing::TestWithParam<Positive> {};

TEST_P(CgroupMatcherPositiveTest, Matches) {
  const Positive& expected = GetParam();
  CgroupMatcher matcher;
  CgroupMatch match;
  ASSERT_TRUE(matcher.Match(expected.path, &match)) << expected.path;
  EXPECT_EQ(match.id, expected.id);
  EXPECT_EQ(match.full_id, expected.full_id);
  EXPECT_EQ(ContainerTypeName(match.type), ContainerTypeName(expected.type));
  EXPECT_EQ(match.metadata_from_cgroup, expected.metadata_from_cgroup);
  // Views point into the caller's path.
  std::string_view path = expected.path;
  EXPECT_GE(match.id.data(), path.data());
  EXPECT_LE(match.id.data() + match.id.size(), path.data() + path.size());
  EXPECT_GE(match.full_id.data(), path.data());
  EXPECT_LE(match.full_id.data() + match.full_id.size(), path.data() + path.size());
}

INSTANTIATE_TEST_SUITE_P(RealWorld, CgroupMatcherPositiveTest, testing::ValuesIn(Positives()), CaseName);

class CgroupMatcherNegativeTest : public testing::TestWithParam<std::string> {};

TEST_P(CgroupMatcherNegativeTest, DoesNotMatch) {
  CgroupMatcher matcher;
  CgroupMatch match;
  match.id = "untouched";
  EXPECT_FALSE(matcher.Match(GetParam(), &match)) << "claimed id " << match.full_id;
  EXPECT_EQ(match.id, "untouched");
}

INSTANTIATE_TEST_SUITE_P(RealWorld, CgroupMatcherNegativeTest, testing::ValuesIn(Negatives()));

TEST(CgroupMatcherTest, HasAtLeastSixtyRealWorldCases) {
  EXPECT_GE(Positives().size() + Negatives().size(), 60u);
}

TEST(CgroupMatcherTest, EveryLineRecordedOnThisMachineKind) {
  CgroupMatcher matcher;
  CgroupMatch match;
  // Controller lines carry the same path for every engine; the matcher gets the path.
  for (const std::string& path : {"/libpod_parent/libpod-" + kPodmanId, "/docker/" + kDockerId,
                                  "/kubepods/besteffort/podprobe-pod-uid-1/" + kCriId, "/k8s.io/" + kCriId,
                                  "/probe-parent/libpod-" + kPodmanId, "/probe-dparent/" + kDockerId}) {
    EXPECT_TRUE(matcher.Match(path, &match)) << path;
  }
  ASSERT_TRUE(matcher.Match("/default/probe-run", &match));
  EXPECT_EQ(match.id, "probe-run");
  ASSERT_TRUE(matcher.Match("/lxc.payload.probe", &match));
  EXPECT_EQ(match.id, "probe");
  for (const char* path : {"/", "/libpod_parent/conmon", "/lxc.monitor.probe", "/lxc.pivot",
                           "/process_api/96d2cacb9d16343789e4ffd8220a85b1"}) {
    EXPECT_FALSE(matcher.Match(path, &match)) << path;
  }
}

TEST(CgroupMatcherTest, LxcDisabled) {
  CgroupMatcher matcher(MatcherOptions{.lxc = false});
  CgroupMatch match;
  EXPECT_FALSE(matcher.Match("/lxc/web01", &match));
  EXPECT_FALSE(matcher.Match("/lxc.payload/web01", &match));
  EXPECT_FALSE(matcher.Match("/lxc.payload.web01", &match));
  // The others are unaffected.
  EXPECT_TRUE(matcher.Match("/libvirt/lxc/container1", &match));
  EXPECT_EQ(match.type, ContainerType::kLibvirtLxc);
  EXPECT_TRUE(matcher.Match("/docker/" + kDockerId, &match));
}

TEST(CgroupMatcherTest, LibvirtDisabled) {
  CgroupMatcher matcher(MatcherOptions{.libvirt_lxc = false});
  CgroupMatch match;
  EXPECT_FALSE(matcher.Match("/machine/web.libvirt-lxc", &match));
  EXPECT_FALSE(
      matcher.Match("/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope", &match));
  // Not handed to the lxc rule either.
  EXPECT_FALSE(matcher.Match("/libvirt/lxc/container1", &match));
  EXPECT_TRUE(matcher.Match("/lxc/web01", &match));
  EXPECT_EQ(match.type, ContainerType::kLxc);
}

TEST(CgroupMatcherTest, BpmDisabled) {
  CgroupMatcher matcher(MatcherOptions{.bpm = false});
  CgroupMatch match;
  EXPECT_FALSE(matcher.Match("/system.slice/bpm-myjob.scope", &match));
}

TEST(CgroupMatcherTest, DefaultsEnableEverything) {
  MatcherOptions options;
  EXPECT_TRUE(options.lxc);
  EXPECT_TRUE(options.libvirt_lxc);
  EXPECT_TRUE(options.bpm);
}

TEST(CgroupMatcherTest, WorksOnPathsWithoutTerminator) {
  // The path may be a view into a larger buffer: nothing past its end is read.
  std::string buffer = "/docker/" + kDockerId + "ffff/more";
  std::string_view path(buffer.data(), 8 + 64);
  CgroupMatcher matcher;
  CgroupMatch match;
  ASSERT_TRUE(matcher.Match(path, &match));
  EXPECT_EQ(match.full_id, kDockerId);
}

TEST(CgroupMatcherTest, VeryDeepPath) {
  std::string path = "/docker/" + kDockerId;
  for (int i = 0; i < 500; ++i) path += "/level";
  CgroupMatcher matcher;
  CgroupMatch match;
  ASSERT_TRUE(matcher.Match(path, &match));
  EXPECT_EQ(match.full_id, kDockerId);
  std::string host(2000, '/');
  EXPECT_FALSE(matcher.Match(host, &match));
}

}  // namespace
}  // namespace libcontainer
