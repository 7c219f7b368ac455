// Threads get their container id from cgroups; metadata arrives as async
// events; fields extract through plugin_extract_fields.
#include <gtest/gtest.h>

#include "e2e/test_support.h"

namespace {

using namespace e2e;
namespace ev = testhost::events;

std::string Str(testhost::PluginHost& host, const std::vector<uint8_t>& evt, const std::string& field,
                std::optional<std::string> key = std::nullopt, std::optional<uint64_t> index = std::nullopt) {
  auto value = host.Extract(evt, field, key, index);
  if (!value) return "<error>";
  return value->present ? value->str : "<NA>";
}

uint64_t Num(testhost::PluginHost& host, const std::vector<uint8_t>& evt, const std::string& field) {
  auto value = host.Extract(evt, field);
  return value && value->present ? value->u64 : UINT64_MAX;
}

void SendContainer(testhost::PluginHost& host, const std::string& payload) {
  ASSERT_EQ(host.Parse(ev::AsyncEvent("container", payload + std::string(1, '\0'))), SS_PLUGIN_SUCCESS);
}

TEST(ContainerMetadata, IdFromCgroupBeforeAnyMetadata) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(100), kDockerShortId);
  auto open = ev::OpenExit(100);
  EXPECT_EQ(Str(*host, open, "container.id"), kDockerShortId);
  EXPECT_EQ(Str(*host, open, "container.name"), "<NA>");
  EXPECT_EQ(Str(*host, open, "container.image"), "<NA>");
  EXPECT_EQ(Num(*host, open, "container.start_ts"), 1'700'000'000'000'000'000ULL);
}

TEST(ContainerMetadata, HostProcessesReadHost) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(HostThread(200));
  ASSERT_EQ(host->Parse(ev::ExecveExit(200, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(200), "");
  auto open = ev::OpenExit(200);
  EXPECT_EQ(Str(*host, open, "container.id"), "host");
  EXPECT_EQ(Str(*host, open, "container.name"), "host");
  EXPECT_EQ(Str(*host, open, "container.type"), "host");
  EXPECT_EQ(Num(*host, open, "container.privileged"), 0u);
}

TEST(ContainerMetadata, AsyncEventFillsEveryField) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  SendContainer(*host, DockerPayload());
  auto open = ev::OpenExit(100);
  EXPECT_EQ(Str(*host, open, "container.id"), kDockerShortId);
  EXPECT_EQ(Str(*host, open, "container.full_id"), kDockerId);
  EXPECT_EQ(Str(*host, open, "container.name"), "web");
  EXPECT_EQ(Str(*host, open, "container.type"), "docker");
  EXPECT_EQ(Str(*host, open, "container.image"), "registry.local:5000/team/nginx:1.25@sha256:0123abcd");
  EXPECT_EQ(Str(*host, open, "container.image.repository"), "registry.local:5000/team/nginx");
  EXPECT_EQ(Str(*host, open, "container.image.tag"), "1.25");
  EXPECT_EQ(Str(*host, open, "container.image.digest"), "sha256:0123abcd");
  EXPECT_EQ(Str(*host, open, "container.ip"), "172.17.0.2");
  EXPECT_EQ(Num(*host, open, "container.privileged"), 1u);
  EXPECT_EQ(Num(*host, open, "container.host_pid"), 1u);
  EXPECT_EQ(Num(*host, open, "container.host_network"), 0u);
  EXPECT_EQ(Str(*host, open, "container.label", "app"), "web");
  EXPECT_EQ(Str(*host, open, "container.label", "missing"), "<NA>");
  EXPECT_EQ(Str(*host, open, "container.labels"), "app:web");
  EXPECT_EQ(Str(*host, open, "container.mounts"),
            "/var/lib/data:/data:z:true:rprivate,/etc/ssl:/etc/ssl:ro:false:rslave");
  EXPECT_EQ(Str(*host, open, "container.mount.dest", std::nullopt, 1), "/etc/ssl");
  EXPECT_EQ(Str(*host, open, "container.mount.dest", "/var/lib/*"), "/data");
  EXPECT_EQ(Str(*host, open, "container.mount.source", "/data"), "/var/lib/data");
  EXPECT_EQ(Str(*host, open, "container.mount.rdwr", "/etc/ssl"), "false");
  EXPECT_EQ(Str(*host, open, "container.mount.dest", "lib"), "<NA>");
  EXPECT_EQ(Str(*host, open, "container.healthcheck"), "/bin/sh -c curl -f localhost");
  EXPECT_EQ(Str(*host, open, "k8s.pod.name"), "web-7d9");
  EXPECT_EQ(Str(*host, open, "k8s.ns.name"), "prod");
  EXPECT_EQ(Str(*host, open, "k8s.pod.uid"), "uid-1");
  EXPECT_EQ(Str(*host, open, "k8s.pod.ip"), "172.17.0.2");
  EXPECT_EQ(Str(*host, open, "k8s.rc.name"), "<NA>");
  EXPECT_EQ(host->ContainersTableString(kDockerShortId, "user"), "101");
  EXPECT_EQ(host->ContainersTableString(kDockerShortId, "ip"), "172.17.0.2");
  EXPECT_EQ(host->ContainersTableU32(kDockerShortId, "type"), 0u);
}

TEST(ContainerMetadata, FieldsWorkOnTheContainerEventItself) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  auto event = ev::AsyncEvent("container", DockerPayload() + std::string(1, '\0'));
  ASSERT_EQ(host->Parse(event), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(Str(*host, event, "container.name"), "web");
}

TEST(ContainerMetadata, ManyFieldsInOneCall) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  SendContainer(*host, DockerPayload());
  auto values =
      host->ExtractMany(ev::OpenExit(100), {"container.id", "container.name", "k8s.ns.name", "k8s.rs.name"});
  ASSERT_TRUE(values.has_value());
  ASSERT_EQ(values->size(), 4u);
  EXPECT_EQ((*values)[0].str, kDockerShortId);
  EXPECT_EQ((*values)[1].str, "web");
  EXPECT_EQ((*values)[2].str, "prod");
  EXPECT_FALSE((*values)[3].present);
}

TEST(ContainerMetadata, CloneTagsParentAndChild) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  auto child = DockerThread(101, 2);
  child.ptid = 100;
  host->AddThread(child);
  ASSERT_EQ(host->Parse(ev::CloneExit(100, 101)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(100), kDockerShortId);
  EXPECT_EQ(host->ThreadContainerId(101), kDockerShortId);
  EXPECT_EQ(host->ThreadCategory(100), 1);  // container init
  EXPECT_EQ(host->ThreadCategory(101), 1);  // inherits from its parent
}

TEST(ContainerMetadata, FailedSyscallsChangeNothing) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, -2)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(100), "");
}

TEST(ContainerMetadata, EveryNewProcessEventTags) {
  for (uint16_t type : {223, 225, 227, 335}) {
    auto host = LoadPlugin();
    ASSERT_NE(host, nullptr);
    host->AddThread(DockerThread(100, 1));
    ASSERT_EQ(host->Parse(ev::CloneExit(100, 0, type)), SS_PLUGIN_SUCCESS);
    EXPECT_EQ(host->ThreadContainerId(100), kDockerShortId) << type;
  }
  for (uint16_t type : {231, 283, 289, 293, 331}) {
    auto host = LoadPlugin();
    ASSERT_NE(host, nullptr);
    host->AddThread(DockerThread(100, 1));
    ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0, type)), SS_PLUGIN_SUCCESS);
    EXPECT_EQ(host->ThreadContainerId(100), kDockerShortId) << type;
  }
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ChrootExit(100, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(100), kDockerShortId);
}

TEST(ContainerMetadata, VanishedThreadIsAnErrorNotACrash) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  host->RemoveThread(100);
  EXPECT_EQ(host->Extract(ev::OpenExit(100), "container.id"), std::nullopt);
  EXPECT_EQ(host->Extract(ev::OpenExit(100), "container.start_ts"), std::nullopt);
}

TEST(ContainerMetadata, MalformedPayloadIsSkipped) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->Parse(ev::AsyncEvent("container", std::string("{\"container\":{\"id\":", 20) + '\0')),
            SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->Parse(ev::AsyncEvent("container", std::string("{}") + '\0')), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableSize(), 1u);
  uint64_t malformed = 0;
  for (const auto& m : host->Metrics()) {
    if (m.name == "n_malformed_events") malformed = m.value;
  }
  EXPECT_EQ(malformed, 2u);
}

TEST(ContainerMetadata, PodSandboxFallbacks) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  const std::string sandbox(64, 'a');
  const std::string ctr(64, 'b');
  SendContainer(*host,
                R"({"container":{"type":6,"id":")" + sandbox.substr(0, 12) + R"(","full_id":")" + sandbox +
                    R"(","is_pod_sandbox":true,"ip":"10.1.2.3","labels":{"io.kubernetes.pod.name":"p"},)" +
                    R"("pod_sandbox_labels":{"tier":"db"},"cni_json":"{\"ips\":1}"}})");
  SendContainer(*host,
                R"({"container":{"type":6,"id":")" + ctr.substr(0, 12) + R"(","full_id":")" + ctr +
                    R"(","name":"db","pod_sandbox_id":")" + sandbox +
                    R"(","labels":{"io.kubernetes.pod.name":"p","io.kubernetes.pod.namespace":"ns"}}})");
  auto thread = DockerThread(300, 5, ctr);
  thread.cgroups = {{"memory", "/kubepods/besteffort/podabc/" + ctr}};
  host->AddThread(thread);
  ASSERT_EQ(host->Parse(ev::ExecveExit(300, 0)), SS_PLUGIN_SUCCESS);
  auto open = ev::OpenExit(300);
  EXPECT_EQ(Str(*host, open, "container.name"), "db");
  EXPECT_EQ(Str(*host, open, "container.type"), "cri");
  EXPECT_EQ(Str(*host, open, "k8s.pod.sandbox_id"), sandbox.substr(0, 12));
  EXPECT_EQ(Str(*host, open, "k8s.pod.full_sandbox_id"), sandbox);
  EXPECT_EQ(Str(*host, open, "k8s.pod.ip"), "10.1.2.3");
  EXPECT_EQ(Str(*host, open, "k8s.pod.label", "tier"), "db");
  EXPECT_EQ(Str(*host, open, "k8s.pod.cni.json"), "{\"ips\":1}");
}

TEST(ContainerMetadata, HealthcheckExecutedFromOutsideIsCategorised) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  SendContainer(*host, DockerPayload());
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  // runc exec: the parent is a host process, the command is the health check.
  auto runc = HostThread(90);
  host->AddThread(runc);
  auto probe = DockerThread(110, 7);
  probe.ptid = 90;
  probe.exe = "/bin/sh";
  probe.args = {"-c", "curl -f localhost"};
  host->AddThread(probe);
  ASSERT_EQ(host->Parse(ev::ExecveExit(110, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(Num(*host, ev::OpenExit(110), "proc.is_container_healthcheck"), 1u);
  // The same command started by the container's own init is an ordinary process.
  auto inner = DockerThread(111, 8);
  inner.ptid = 100;
  inner.exe = "/bin/sh";
  inner.args = {"-c", "curl -f localhost"};
  host->AddThread(inner);
  ASSERT_EQ(host->Parse(ev::ExecveExit(111, 0)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(Num(*host, ev::OpenExit(111), "proc.is_container_healthcheck"), 0u);
}

TEST(ContainerMetadata, LegacyContainerEvents) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->Parse(ev::LegacyContainer(kDockerId, 0, "legacy", "busybox:1.36")), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableString(kDockerShortId, "name"), "legacy");
  const std::string other(64, 'c');
  ASSERT_EQ(host->Parse(ev::LegacyContainerJson(R"({"container":{"id":")" + other.substr(0, 12) +
                                                R"(","name":"j272","image":"alpine","type":0}})")),
            SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableString(other.substr(0, 12), "name"), "j272");
  const std::string third(64, 'd');
  ASSERT_EQ(host->Parse(ev::LegacyContainerJson2(R"({"id":")" + third.substr(0, 12) +
                                                 R"(","name":"bare324","image":"alpine","type":0})")),
            SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableString(third.substr(0, 12), "name"), "bare324");
}

}  // namespace
