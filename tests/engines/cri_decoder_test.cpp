#include "engines/cri/cri_decoder.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cri/api.pb.h"
#include "engines/proto_entries.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSampleMessage;
using engine_testing::SetEntry;

using nlohmann::json;
namespace cri = ::runtime::v1;

constexpr char kCtrId[] = "c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094";
constexpr char kPodId[] = "65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c";

cri::ContainerStatusResponse SampleContainer() {
  return ReadSampleMessage<cri::ContainerStatusResponse>("containerd-cri-container-status-verbose.json");
}
cri::PodSandboxStatusResponse SampleSandbox() {
  return ReadSampleMessage<cri::PodSandboxStatusResponse>("containerd-cri-pod-status-verbose.json");
}

// A container decoded with its pod, the pod decoded first as a listing does.
std::optional<ContainerInfo> DecodeWithPod(const cri::ContainerStatusResponse& container,
                                           const cri::PodSandboxStatusResponse& sandbox,
                                           std::string* error = nullptr) {
  const std::optional<CriPod> pod = DecodeCriPod(sandbox, DecodeOptions{});
  return DecodeCriContainer(container, pod ? &*pod : nullptr, "containerd", DecodeOptions{}, error);
}

cri::ContainerStatusResponse Minimal(const std::string& image, const std::string& image_ref) {
  cri::ContainerStatusResponse r;
  r.mutable_status()->set_id(kCtrId);
  r.mutable_status()->mutable_metadata()->set_name("app");
  r.mutable_status()->mutable_image()->set_image(image);
  r.mutable_status()->set_image_ref(image_ref);
  return r;
}

TEST(CriDecoder, ContainerdSamples) {
  auto container = SampleContainer();
  auto sandbox = SampleSandbox();
  std::string error;
  auto info = DecodeWithPod(container, sandbox, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->type, ContainerType::kContainerd);
  EXPECT_EQ(info->id, "c8117a6ad48c");
  EXPECT_EQ(info->full_id, kCtrId);
  EXPECT_EQ(info->name, "probe-ctr");
  EXPECT_EQ(info->image, "localhost/local/busybox:test");
  EXPECT_EQ(info->image_repo, "localhost/local/busybox");
  EXPECT_EQ(info->image_tag, "test");
  EXPECT_EQ(info->image_digest, "sha256:6cfb7b644355abb12232063b58f871468a8ec3da7ac4e069af73bbbda499858c");
  EXPECT_EQ(info->image_id, "6cfb7b644355abb12232063b58f871468a8ec3da7ac4e069af73bbbda499858c");
  EXPECT_EQ(info->pod_sandbox_id, kPodId);
  EXPECT_EQ(info->labels.at("probe"), "cri-ctr");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.name"), "probe-pod");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.namespace"), "probe-ns");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.uid"), "probe-pod-uid-1");
  EXPECT_EQ(info->labels.at("io.kubernetes.sandbox.id"), kPodId);
  EXPECT_EQ(info->pod_sandbox_labels, (Labels{{"probe", "cri"}}));
  EXPECT_TRUE(info->host_network);  // sandbox network NODE
  EXPECT_FALSE(info->host_pid);
  EXPECT_FALSE(info->host_ipc);
  EXPECT_EQ(info->ip, "");
  EXPECT_EQ(info->cni_json, "");  // cniResult null: host network
  EXPECT_EQ(info->created_time, 1795461050);
  EXPECT_EQ(info->user, "0");
  ASSERT_EQ(info->env.size(), 2u);
  EXPECT_EQ(info->env[1], "HOSTNAME=vm");
  EXPECT_FALSE(info->privileged);
  EXPECT_FALSE(info->is_pod_sandbox);
  EXPECT_TRUE(info->mounts.empty());
  EXPECT_EQ(info->cpu_period, 100000);
  EXPECT_EQ(info->cpu_shares, 1024);
}

TEST(CriDecoder, SandboxRecord) {
  auto sandbox = SampleSandbox();
  auto info = DecodeCriSandbox(sandbox, "containerd", DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->is_pod_sandbox);
  EXPECT_EQ(info->id, "65fbe34e7da3");
  EXPECT_EQ(info->pod_sandbox_id, kPodId);
  EXPECT_EQ(info->name, "probe-pod");
  EXPECT_EQ(info->image, "localhost/podman-pause:4.3.1-0");
  EXPECT_EQ(info->image_repo, "localhost/podman-pause");
  EXPECT_EQ(info->image_tag, "4.3.1-0");
  EXPECT_TRUE(info->host_network);
  EXPECT_EQ(info->labels.at("probe"), "cri");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.uid"), "probe-pod-uid-1");
  EXPECT_EQ(info->pod_sandbox_labels.at("probe"), "cri");
  EXPECT_EQ(info->created_time, 1795461050);
  EXPECT_EQ(info->cpu_shares, 2);
  EXPECT_EQ(info->user, "0");
}

TEST(CriDecoder, WithoutSandboxFallsBackToTheSpec) {
  auto info = DecodeCriContainer(SampleContainer(), nullptr, "containerd", DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->pod_sandbox_id, kPodId);  // verbose sandboxID
  EXPECT_FALSE(info->host_network);         // joins the netns by path
  EXPECT_TRUE(info->pod_sandbox_labels.empty());
  // The pod from the spec's annotations, as containerd's native record has it.
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.name"), "probe-pod");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.namespace"), "probe-ns");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.uid"), "probe-pod-uid-1");
}

TEST(CriDecoder, RuntimeNameToType) {
  EXPECT_EQ(CriContainerType("containerd"), ContainerType::kContainerd);
  EXPECT_EQ(CriContainerType("cri-o"), ContainerType::kCrio);
  EXPECT_EQ(CriContainerType("something-else"), ContainerType::kCri);
  EXPECT_EQ(CriContainerType(""), ContainerType::kCri);
  auto info = DecodeCriContainer(SampleContainer(), nullptr, "cri-o", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->type, ContainerType::kCrio);
}

TEST(CriDecoder, RepoDigestImageRef) {
  auto r = Minimal("docker.io/library/nginx:1.25", "docker.io/library/nginx@sha256:abcd");
  r.mutable_status()->set_image_id("sha256:1111");
  auto info = DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image, "docker.io/library/nginx:1.25");
  EXPECT_EQ(info->image_repo, "docker.io/library/nginx");
  EXPECT_EQ(info->image_tag, "1.25");
  EXPECT_EQ(info->image_digest, "sha256:abcd");
  EXPECT_EQ(info->image_id, "1111");
}

TEST(CriDecoder, RegistryWithPort) {
  auto info = DecodeCriContainer(Minimal("registry.local:5000/team/app", ""), nullptr, "containerd",
                                 DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info->image_tag, "");
  info =
      DecodeCriContainer(Minimal("registry.local:5000/team/app:v2", "registry.local:5000/team/app@sha256:ee"),
                         nullptr, "containerd", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info->image_tag, "v2");
  EXPECT_EQ(info->image_digest, "sha256:ee");
}

TEST(CriDecoder, ImageIdOnlyFallsBackToAnnotations) {
  auto r = Minimal("sha256:6cfb7b644355", "sha256:6cfb7b644355");
  SetEntry(r.mutable_status()->mutable_annotations(), "io.kubernetes.cri-o.ImageName", "quay.io/org/tool:3");
  auto info = DecodeCriContainer(r, nullptr, "cri-o", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image, "quay.io/org/tool:3");
  EXPECT_EQ(info->image_repo, "quay.io/org/tool");
  EXPECT_EQ(info->image_tag, "3");
  EXPECT_EQ(info->image_digest, "sha256:6cfb7b644355");

  // containerd keeps the name in the OCI spec annotations (verbose info).
  r = Minimal("", "");
  json verbose = {{"runtimeSpec", {{"annotations", {{"io.kubernetes.cri.image-name", "busybox:1.36"}}}}}};
  (*r.mutable_info())["info"] = verbose.dump();
  info = DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image, "busybox:1.36");
  EXPECT_EQ(info->image_tag, "1.36");
}

TEST(CriDecoder, Mounts) {
  auto r = Minimal("busybox", "");
  auto add = [&](const char* host, bool ro, cri::MountPropagation p) {
    cri::Mount* m = r.mutable_status()->add_mounts();
    m->set_host_path(host);
    m->set_container_path(std::string("/c") + host);
    m->set_readonly(ro);
    m->set_propagation(p);
  };
  add("/a", false, cri::PROPAGATION_PRIVATE);
  add("/b", true, cri::PROPAGATION_HOST_TO_CONTAINER);
  add("/c", false, cri::PROPAGATION_BIDIRECTIONAL);
  add("/d", false, static_cast<cri::MountPropagation>(7));
  auto info = DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr);
  ASSERT_EQ(info->mounts.size(), 4u);
  EXPECT_EQ(info->mounts[0], (ContainerMount{"/a", "/c/a", "", true, "private"}));
  EXPECT_EQ(info->mounts[1], (ContainerMount{"/b", "/c/b", "", false, "rslave"}));
  EXPECT_EQ(info->mounts[2].propagation, "rshared");
  EXPECT_EQ(info->mounts[3].propagation, "unknown");
}

TEST(CriDecoder, PrivilegedFromVerboseInfo) {
  auto r = Minimal("busybox", "");
  (*r.mutable_info())["info"] = R"({"config":{"linux":{"security_context":{"privileged":true}}}})";
  EXPECT_TRUE(DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr)->privileged);
  (*r.mutable_info())["info"] = R"({"privileged":true})";  // CRI-O
  EXPECT_TRUE(DecodeCriContainer(r, nullptr, "cri-o", DecodeOptions{}, nullptr)->privileged);
  (*r.mutable_info())["info"] = R"({"privileged":"yes"})";
  EXPECT_FALSE(DecodeCriContainer(r, nullptr, "cri-o", DecodeOptions{}, nullptr)->privileged);
}

TEST(CriDecoder, MalformedInfoIsSkipped) {
  for (const char* bad : {"{", "[1,2]", "null", "42", "{\"config\": 5, \"runtimeSpec\": []}"}) {
    auto r = SampleContainer();
    (*r.mutable_info())["info"] = bad;
    auto sandbox = SampleSandbox();
    (*sandbox.mutable_info())["info"] = bad;
    std::optional<ContainerInfo> info;
    EXPECT_NO_THROW(info = DecodeWithPod(r, sandbox)) << bad;
    ASSERT_TRUE(info);
    EXPECT_EQ(info->name, "probe-ctr");
    EXPECT_FALSE(info->privileged);
    EXPECT_TRUE(info->env.empty());
    EXPECT_EQ(info->pod_sandbox_id, kPodId);  // from the sandbox status instead
    EXPECT_NO_THROW(DecodeCriSandbox(sandbox, "containerd", DecodeOptions{}, nullptr));
  }
}

TEST(CriDecoder, EnvFromConfig) {
  auto r = Minimal("busybox", "");
  (*r.mutable_info())["info"] = R"({"config":{"envs":[{"key":"A","value":"1"},{"key":"B"},{"value":"x"}]}})";
  auto info = DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->env, (std::vector<std::string>{"A=1", "B="}));
}

TEST(CriDecoder, UserAndResourcesFromStatus) {
  auto r = Minimal("busybox", "");
  r.mutable_status()->mutable_user()->mutable_linux()->set_uid(65534);
  auto* res = r.mutable_status()->mutable_resources()->mutable_linux();
  res->set_cpu_quota(20000);
  res->set_cpu_shares(512);
  res->set_memory_limit_in_bytes(1 << 30);
  res->set_cpuset_cpus("0,2-3");
  auto info = DecodeCriContainer(r, nullptr, "containerd", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->user, "65534");
  EXPECT_EQ(info->cpu_quota, 20000);
  EXPECT_EQ(info->cpu_shares, 512);
  EXPECT_EQ(info->cpu_period, 100000);
  EXPECT_EQ(info->memory_limit, 1 << 30);
  EXPECT_EQ(info->cpuset_cpu_count, 3);
}

TEST(CriDecoder, CniResultFromContainerdIsSet) {
  auto sandbox = SampleSandbox();
  json info = json::parse((*sandbox.mutable_info())["info"]);
  info["cniResult"] = {{"Interfaces",
                        {{"eth0", {{"IPConfigs", {{{"IP", "10.88.0.5"}, {"Gateway", "10.88.0.1"}}}}}},
                         {"lo", {{"IPConfigs", {{{"IP", "127.0.0.1"}}}}}},
                         {"veth1234", {{"Mac", "aa:bb"}}}}},
                       {"DNS", json::array({json::object()})}};
  (*sandbox.mutable_info())["info"] = info.dump();
  sandbox.mutable_status()->mutable_network()->set_ip("10.88.0.5");
  auto decoded = DecodeWithPod(SampleContainer(), sandbox);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->ip, "10.88.0.5");
  ASSERT_FALSE(decoded->cni_json.empty());
  json cni = json::parse(decoded->cni_json);
  EXPECT_TRUE(cni["Interfaces"].contains("eth0"));
  EXPECT_FALSE(cni["Interfaces"].contains("lo"));
  EXPECT_FALSE(cni["Interfaces"].contains("veth1234"));
  EXPECT_EQ(DecodeCriSandbox(sandbox, "containerd", DecodeOptions{}, nullptr)->cni_json, decoded->cni_json);

  info["cniResult"]["Routes"] = json::array();
  for (int i = 0; i < 500; ++i) info["cniResult"]["Routes"].push_back({{"dst", "10.0.0.0/8"}});
  (*sandbox.mutable_info())["info"] = info.dump();
  decoded = DecodeWithPod(SampleContainer(), sandbox);
  EXPECT_EQ(decoded->cni_json.size(), kMaxCniJsonLength);
}

TEST(CriDecoder, CniResultFromCrioAnnotation) {
  auto sandbox = SampleSandbox();
  sandbox.clear_info();
  SetEntry(sandbox.mutable_status()->mutable_annotations(), "io.kubernetes.cri-o.CNIResult",
           R"({"cniVersion":"1.0.0"})");
  auto info = DecodeCriSandbox(sandbox, "cri-o", DecodeOptions{}, nullptr);
  EXPECT_EQ(info->cni_json, R"({"cniVersion":"1.0.0"})");
  EXPECT_EQ(info->image, "");
}

TEST(CriDecoder, HostNamespacesFromSandbox) {
  auto sandbox = SampleSandbox();
  auto* ns = sandbox.mutable_status()->mutable_linux()->mutable_namespaces()->mutable_options();
  ns->set_network(cri::POD);
  ns->set_pid(cri::NODE);
  ns->set_ipc(cri::NODE);
  auto info = DecodeWithPod(SampleContainer(), sandbox);
  EXPECT_FALSE(info->host_network);
  EXPECT_TRUE(info->host_pid);
  EXPECT_TRUE(info->host_ipc);
}

TEST(CriDecoder, LongLabelsDropped) {
  auto r = SampleContainer();
  SetEntry(r.mutable_status()->mutable_labels(), "big", std::string(200, 'v'));
  auto sandbox = SampleSandbox();
  SetEntry(sandbox.mutable_status()->mutable_labels(), "bigpod", std::string(200, 'v'));
  auto info = DecodeWithPod(r, sandbox);
  EXPECT_EQ(info->labels.count("big"), 0u);
  EXPECT_EQ(info->pod_sandbox_labels.count("bigpod"), 0u);
  EXPECT_EQ(info->labels.count("probe"), 1u);
}

TEST(CriDecoder, MissingStatusIsAnError) {
  cri::ContainerStatusResponse empty;
  std::string error;
  EXPECT_FALSE(DecodeCriContainer(empty, nullptr, "containerd", DecodeOptions{}, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(DecodeCriSandbox(cri::PodSandboxStatusResponse{}, "containerd", DecodeOptions{}, nullptr));
}

TEST(CriDecoder, ContainerEvents) {
  cri::ContainerEventResponse e;
  e.set_container_id(kCtrId);
  e.set_created_at(1795461050785894241);
  auto* s = e.add_containers_statuses();
  s->set_id(kCtrId);
  s->mutable_metadata()->set_name("probe-ctr");
  const std::pair<cri::ContainerEventType, EngineEvent::Kind> cases[] = {
      {cri::CONTAINER_CREATED_EVENT, EngineEvent::Kind::kCreate},
      {cri::CONTAINER_STARTED_EVENT, EngineEvent::Kind::kStart},
      {cri::CONTAINER_STOPPED_EVENT, EngineEvent::Kind::kDie},
      {cri::CONTAINER_DELETED_EVENT, EngineEvent::Kind::kRemove}};
  for (auto [type, kind] : cases) {
    e.set_container_event_type(type);
    auto event = DecodeCriContainerEvent(e);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->kind, kind);
    EXPECT_EQ(event->id, kCtrId);
    EXPECT_EQ(event->name, "probe-ctr");
    EXPECT_EQ(event->time_nano, 1795461050785894241);
  }
  e.set_container_event_type(static_cast<cri::ContainerEventType>(9));
  EXPECT_FALSE(DecodeCriContainerEvent(e));
  e.set_container_event_type(cri::CONTAINER_CREATED_EVENT);
  e.clear_container_id();
  EXPECT_FALSE(DecodeCriContainerEvent(e));
}

}  // namespace
}  // namespace libcontainer
