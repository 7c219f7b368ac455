#include "engines/docker/docker_decoder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "engines/common/engine_values.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSample;
using engine_testing::ReadSampleLines;

using nlohmann::json;

constexpr char kRunId[] = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
constexpr char kImageId[] = "30d75528cd2006d7fccbf552209e5ffe31362418e299a84ac25a140d7aa9009c";

// The real inspect document, edited by `edit`.
std::string EditedInspect(const std::function<void(json&)>& edit) {
  json doc = json::parse(ReadSample("docker-inspect.json"));
  edit(doc);
  return doc.dump();
}

// The container whose network the inspected one shares, as the decoder
// reads it; nullopt for none or an undecodable document.
std::optional<std::string> NetworkModeContainer(const std::string& text) {
  std::string shared;
  if (!DecodeDockerInspect(text, DecodeOptions{}, nullptr, &shared) || shared.empty()) return std::nullopt;
  return shared;
}

ContainerInfo MustDecode(const std::string& text, const DecodeOptions& options = {}) {
  std::string error;
  auto info = DecodeDockerInspect(text, options, &error);
  EXPECT_TRUE(info.has_value()) << error;
  return info.value_or(ContainerInfo{});
}

// --- Real samples.

TEST(DockerInspectTest, RealSample) {
  ContainerInfo info = MustDecode(ReadSample("docker-inspect.json"));
  EXPECT_EQ(info.type, ContainerType::kDocker);
  EXPECT_EQ(info.id, "eba371cc398f");
  EXPECT_EQ(info.full_id, kRunId);
  EXPECT_EQ(info.name, "probe-run");
  EXPECT_EQ(info.image, "local/busybox:test");
  EXPECT_EQ(info.image_id, kImageId);
  EXPECT_EQ(info.image_repo, "local/busybox");
  EXPECT_EQ(info.image_tag, "test");
  EXPECT_EQ(info.image_digest, "");
  EXPECT_EQ(info.user, "");
  EXPECT_EQ(info.ip, "");
  EXPECT_EQ(info.created_time, 1795460922);  // 2026-11-23T19:08:42.778232282Z
  EXPECT_EQ(info.size, -1);
  EXPECT_FALSE(info.privileged);
  EXPECT_FALSE(info.host_pid);      // PidMode ""
  EXPECT_FALSE(info.host_network);  // NetworkMode "default"
  EXPECT_FALSE(info.host_ipc);      // IpcMode "private"
  EXPECT_EQ(info.cpu_period, 100000);
  EXPECT_EQ(info.cpu_quota, 0);
  EXPECT_EQ(info.cpu_shares, 1024);
  EXPECT_EQ(info.cpuset_cpu_count, 0);
  EXPECT_EQ(info.memory_limit, 0);
  EXPECT_EQ(info.swap_limit, 0);
  EXPECT_TRUE(info.env.empty());  // "Env": null
  EXPECT_EQ(info.labels, (Labels{{"probe", "1"}}));
  EXPECT_TRUE(info.mounts.empty());
  EXPECT_TRUE(info.port_mappings.empty());
  EXPECT_FALSE(info.healthcheck.has_value());
  EXPECT_FALSE(info.is_pod_sandbox);
  EXPECT_EQ(info.pod_sandbox_id, "");
  EXPECT_EQ(NetworkModeContainer(ReadSample("docker-inspect.json")), std::nullopt);
}

TEST(DockerInspectTest, PodmanCompatSampleDecodesAsDocker) {
  ContainerInfo info = MustDecode(ReadSample("podman-compat-inspect.json"));
  EXPECT_EQ(info.type, ContainerType::kDocker);
  EXPECT_EQ(info.id, "8015ae78cd84");
  EXPECT_EQ(info.name, "probe-api");
  EXPECT_EQ(info.image, "localhost/local/busybox:test");
  EXPECT_EQ(info.image_id, "6cfb7b644355abb12232063b58f871468a8ec3da7ac4e069af73bbbda499858c");
  EXPECT_EQ(info.image_repo, "localhost/local/busybox");
  EXPECT_EQ(info.image_tag, "test");
  EXPECT_EQ(info.created_time, 1795460782);  // 19:06:22Z
  EXPECT_EQ(info.env.size(), 5u);
  EXPECT_EQ(info.labels, (Labels{{"probe", "api"}}));
}

// The ids of a list's records, nullopt when the list did not decode.
std::optional<std::vector<std::string>> ListedIds(std::string_view text, std::string* error) {
  const auto listed = engine_decode::ListedContainers(text, ContainerType::kDocker, {}, error);
  if (!listed) return std::nullopt;
  std::vector<std::string> ids;
  for (const ContainerInfo& info : *listed) ids.push_back(info.full_id);
  return ids;
}

TEST(DockerListTest, RealSamples) {
  std::string error;
  auto ids = ListedIds(ReadSample("docker-containers-list.json"), &error);
  ASSERT_TRUE(ids.has_value()) << error;
  EXPECT_EQ(*ids, (std::vector<std::string>{
                      kRunId, "1332c87599b10690a35d58c0e3d7e50974360778b5841fb60b7aebbfdba2cfa4"}));

  ids = ListedIds(ReadSample("podman-compat-containers-list.json"), &error);
  ASSERT_TRUE(ids.has_value()) << error;
  EXPECT_EQ(*ids,
            (std::vector<std::string>{"0ad691da02a426d743da29a09a0366d01140562b8c81edc0d17010bd1ff90673",
                                      "de5f0204d4e6302145ec9aa6cdcaafb02dda7c766ba4a680ccea567b4ef773a9"}));
}

// What stands in for the inspect when it fails: the list's own facts.
TEST(DockerListTest, RecordsCarryWhatTheListSays) {
  std::string error;
  DecodeOptions options;
  options.label_max_len = 100;
  const auto listed = engine_decode::ListedContainers(ReadSample("docker-containers-list.json"),
                                                      ContainerType::kDocker, options, &error);
  ASSERT_TRUE(listed.has_value()) << error;
  ASSERT_EQ(listed->size(), 2u);
  const ContainerInfo& run = (*listed)[0];
  EXPECT_EQ(run.type, ContainerType::kDocker);
  EXPECT_EQ(run.full_id, kRunId);
  EXPECT_EQ(run.id, std::string(kRunId).substr(0, 12));
  EXPECT_EQ(run.name, "probe-run");
  EXPECT_EQ(run.image, "local/busybox:test");
  EXPECT_EQ(run.image_repo, "local/busybox");
  EXPECT_EQ(run.image_tag, "test");
  EXPECT_EQ(run.image_id, "30d75528cd2006d7fccbf552209e5ffe31362418e299a84ac25a140d7aa9009c");
  EXPECT_EQ(run.created_time, 1795460922);
  EXPECT_EQ(run.labels, (Labels{{"probe", "1"}}));
}

TEST(DockerListTest, EdgeCases) {
  std::string error;
  EXPECT_EQ(ListedIds("[]", &error), std::vector<std::string>{});
  EXPECT_EQ(ListedIds("null", &error), std::vector<std::string>{});
  // Entries without a usable Id are skipped, not fatal.
  EXPECT_EQ(ListedIds(R"([{"Id":"abc"},{"Id":5},{},null,"x",{"Id":""}])", &error),
            std::vector<std::string>{"abc"});
  error.clear();
  EXPECT_EQ(ListedIds(R"({"Id":"abc"})", &error), std::nullopt);
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_EQ(ListedIds(R"([{"Id":"abc"})", &error), std::nullopt);
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(ListedIds("", nullptr), std::nullopt);  // null error pointer is allowed
}

struct KindCounts {
  int create = 0, start = 0, die = 0, remove = 0, other = 0, skipped = 0;
};

KindCounts CountEvents(const std::vector<std::string>& lines,
                       std::optional<EngineEvent> (*decode)(std::string_view)) {
  KindCounts counts;
  for (const auto& line : lines) {
    auto event = decode(line);
    if (!event) {
      ++counts.skipped;
      continue;
    }
    EXPECT_EQ(event->id.size(), 64u) << line;
    EXPECT_FALSE(event->name.empty()) << line;
    EXPECT_GT(event->time_nano, 1795460000000000000) << line;
    switch (event->kind) {
      case EngineEvent::Kind::kCreate:
        ++counts.create;
        break;
      case EngineEvent::Kind::kStart:
        ++counts.start;
        break;
      case EngineEvent::Kind::kDie:
        ++counts.die;
        break;
      case EngineEvent::Kind::kRemove:
        ++counts.remove;
        break;
      case EngineEvent::Kind::kOther:
        ++counts.other;
        break;
    }
  }
  return counts;
}

TEST(DockerEventTest, RealStream) {
  auto lines = ReadSampleLines("docker-events.jsonl");
  ASSERT_EQ(lines.size(), 21u);
  KindCounts counts = CountEvents(lines, &DecodeDockerEvent);
  EXPECT_EQ(counts.create, 3);
  EXPECT_EQ(counts.start, 4);
  EXPECT_EQ(counts.die, 2);
  EXPECT_EQ(counts.remove, 1);   // "destroy"
  EXPECT_EQ(counts.other, 4);    // kill ×3, stop
  EXPECT_EQ(counts.skipped, 7);  // image tag/import/load, network connect/disconnect ×2

  auto first = DecodeDockerEvent(lines[3]);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, EngineEvent::Kind::kCreate);
  EXPECT_EQ(first->id, "1332c87599b10690a35d58c0e3d7e50974360778b5841fb60b7aebbfdba2cfa4");
  EXPECT_EQ(first->name, "probe-created");
  EXPECT_EQ(first->time_nano, 1795460922626436063);

  auto destroy = DecodeDockerEvent(lines.back());
  ASSERT_TRUE(destroy.has_value());
  EXPECT_EQ(destroy->kind, EngineEvent::Kind::kRemove);
  EXPECT_EQ(destroy->name, "probe-api");
}

TEST(DockerEventTest, PodmanCompatStream) {
  auto lines = ReadSampleLines("podman-compat-events.jsonl");
  ASSERT_EQ(lines.size(), 5u);
  KindCounts counts = CountEvents(lines, &DecodeDockerEvent);
  EXPECT_EQ(counts.create, 0);
  EXPECT_EQ(counts.start, 1);
  EXPECT_EQ(counts.die, 1);  // compat says "die"
  EXPECT_EQ(counts.remove, 0);
  EXPECT_EQ(counts.other, 3);  // init, kill, cleanup
  EXPECT_EQ(counts.skipped, 0);
}

TEST(DockerEventTest, EdgeCases) {
  EXPECT_EQ(DecodeDockerEvent(""), std::nullopt);
  EXPECT_EQ(DecodeDockerEvent("   \r\n"), std::nullopt);
  EXPECT_EQ(DecodeDockerEvent("not json"), std::nullopt);
  EXPECT_EQ(DecodeDockerEvent(R"({"Type":"container","Action":"start")"), std::nullopt);  // truncated
  EXPECT_EQ(DecodeDockerEvent(R"([1,2])"), std::nullopt);
  EXPECT_EQ(DecodeDockerEvent(R"({"Type":"container","Action":"start"})"), std::nullopt);  // no id
  EXPECT_EQ(DecodeDockerEvent(R"({"Type":"volume","Action":"create","Actor":{"ID":"v"}})"), std::nullopt);

  // Old-style fields only, trailing newline, seconds instead of nanoseconds.
  auto event =
      DecodeDockerEvent("{\"Type\":\"container\",\"status\":\"destroy\",\"id\":\"abc\",\"time\":5}\n");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind, EngineEvent::Kind::kRemove);
  EXPECT_EQ(event->id, "abc");
  EXPECT_EQ(event->name, "");
  EXPECT_EQ(event->time_nano, 5000000000);

  event = DecodeDockerEvent(R"({"Type":"container","Action":"exec_start: sh -c ls","Actor":{"ID":"abc"}})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind, EngineEvent::Kind::kOther);

  event =
      DecodeDockerEvent(R"({"Type":"container","Action":"remove","Actor":{"ID":"abc","Attributes":null}})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind, EngineEvent::Kind::kRemove);

  // Wrong types never throw.
  event = DecodeDockerEvent(R"({"Type":"container","Action":7,"status":"die","Actor":{"ID":"abc",
      "Attributes":{"name":3}},"timeNano":"x","time":"y"})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind, EngineEvent::Kind::kDie);
  EXPECT_EQ(event->name, "");
  EXPECT_EQ(event->time_nano, 0);
}

// --- Hand-written inspect edge cases.

TEST(DockerInspectTest, HealthcheckCmdShell) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["Config"]["Healthcheck"] = {{"Test", {"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
                                    {"Interval", 30000000000}};
  }));
  ASSERT_TRUE(info.healthcheck.has_value());
  EXPECT_EQ(info.healthcheck->exe, "/bin/sh");
  EXPECT_EQ(info.healthcheck->args, (std::vector<std::string>{"-c", "curl -f http://localhost/ || exit 1"}));
}

TEST(DockerInspectTest, HealthcheckCmd) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["Config"]["Healthcheck"] = {{"Test", {"CMD", "/bin/check", "--fast", "x"}}};
  }));
  ASSERT_TRUE(info.healthcheck.has_value());
  EXPECT_EQ(info.healthcheck->exe, "/bin/check");
  EXPECT_EQ(info.healthcheck->args, (std::vector<std::string>{"--fast", "x"}));
}

TEST(DockerInspectTest, HealthcheckNoneOrInvalid) {
  for (json test : {json::array({"NONE"}), json::array(), json::array({"CMD"}), json::array({"CMD-SHELL"}),
                    json::array({"CMD", 5}), json::array({"WHAT", "x"}), json("CMD-SHELL ls"), json(nullptr),
                    json::array({nullptr})}) {
    ContainerInfo info = MustDecode(EditedInspect([&](json& doc) {
      doc["Config"]["Healthcheck"] = {{"Test", test}};
    }));
    EXPECT_FALSE(info.healthcheck.has_value()) << test.dump();
  }
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) { doc["Config"]["Healthcheck"] = nullptr; }));
  EXPECT_FALSE(info.healthcheck.has_value());
}

TEST(DockerInspectTest, LongLabelsDropped) {
  const std::string at_limit(100, 'a');
  const std::string too_long(101, 'b');
  auto text = EditedInspect([&](json& doc) {
    doc["Config"]["Labels"] = {{"keep", at_limit}, {"drop", too_long}, {"number", 5}, {"nil", nullptr}};
  });
  ContainerInfo info = MustDecode(text);
  EXPECT_EQ(info.labels, (Labels{{"keep", at_limit}}));

  DecodeOptions options;
  options.label_max_len = 200;
  info = MustDecode(text, options);
  EXPECT_EQ(info.labels.size(), 2u);
  options.label_max_len = 0;
  info = MustDecode(text, options);
  EXPECT_TRUE(info.labels.empty());
}

TEST(DockerInspectTest, RegistryWithPortHasNoTag) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["Config"]["Image"] = "registry.local:5000/team/app"; }));
  EXPECT_EQ(info.image, "registry.local:5000/team/app");
  EXPECT_EQ(info.image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info.image_tag, "");

  info = MustDecode(EditedInspect(
      [](json& doc) { doc["Config"]["Image"] = "registry.local:5000/team/app:1.2@sha256:abcdef"; }));
  EXPECT_EQ(info.image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info.image_tag, "1.2");
  EXPECT_EQ(info.image_digest, "sha256:abcdef");
}

TEST(DockerInspectTest, ImageIdReferenceHasNoRepository) {
  for (std::string image : {std::string("sha256:") + kImageId, std::string("30d75528cd20")}) {
    ContainerInfo info = MustDecode(EditedInspect([&](json& doc) { doc["Config"]["Image"] = image; }));
    EXPECT_EQ(info.image, image);
    EXPECT_EQ(info.image_id, kImageId);
    EXPECT_EQ(info.image_repo, "");
    EXPECT_EQ(info.image_tag, "");
  }
}

TEST(DockerInspectTest, NetworkModeContainer) {
  auto text = EditedInspect([](json& doc) { doc["HostConfig"]["NetworkMode"] = "container:abc123def456"; });
  EXPECT_EQ(NetworkModeContainer(text), "abc123def456");
  EXPECT_FALSE(MustDecode(text).host_network);
  EXPECT_EQ(
      NetworkModeContainer(EditedInspect([](json& doc) { doc["HostConfig"]["NetworkMode"] = "container:"; })),
      std::nullopt);
  EXPECT_EQ(NetworkModeContainer(EditedInspect([](json& doc) { doc["HostConfig"]["NetworkMode"] = "host"; })),
            std::nullopt);
  EXPECT_EQ(NetworkModeContainer(EditedInspect([](json& doc) { doc["HostConfig"] = nullptr; })),
            std::nullopt);
  EXPECT_EQ(NetworkModeContainer("{"), std::nullopt);
  EXPECT_EQ(NetworkModeContainer("[]"), std::nullopt);
}

TEST(DockerInspectTest, HostConfigAndLimits) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    auto& host = doc["HostConfig"];
    host["Privileged"] = true;
    host["PidMode"] = "host";
    host["NetworkMode"] = "host";
    host["IpcMode"] = "host";
    host["CpuPeriod"] = 50000;
    host["CpuQuota"] = 25000;
    host["CpuShares"] = 512;
    host["CpusetCpus"] = "0-3,5";
    host["Memory"] = 1073741824;
    host["MemorySwap"] = 2147483648;
    doc["Config"]["User"] = "1000:1000";
    doc["Config"]["Env"] = {"A=1", "B=2", 3};
  }));
  EXPECT_TRUE(info.privileged);
  EXPECT_TRUE(info.host_pid);
  EXPECT_TRUE(info.host_network);
  EXPECT_TRUE(info.host_ipc);
  EXPECT_EQ(info.cpu_period, 50000);
  EXPECT_EQ(info.cpu_quota, 25000);
  EXPECT_EQ(info.cpu_shares, 512);
  EXPECT_EQ(info.cpuset_cpu_count, 5);
  EXPECT_EQ(info.memory_limit, 1073741824);
  EXPECT_EQ(info.swap_limit, 2147483648);
  EXPECT_EQ(info.user, "1000:1000");
  EXPECT_EQ(info.env, (std::vector<std::string>{"A=1", "B=2"}));
}

TEST(DockerInspectTest, NanoCpusBecomeQuota) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["HostConfig"]["NanoCpus"] = 1500000000; }));
  EXPECT_EQ(info.cpu_period, 100000);
  EXPECT_EQ(info.cpu_quota, 150000);
}

TEST(DockerInspectTest, MountsAndIpAndSize) {
  auto text = EditedInspect([](json& doc) {
    doc["Mounts"] = json::array({
        {{"Type", "bind"},
         {"Source", "/etc/app"},
         {"Destination", "/config"},
         {"Mode", "ro"},
         {"RW", false},
         {"Propagation", "rprivate"}},
        {{"Type", "volume"},
         {"Name", "data"},
         {"Source", "/var/lib/docker/volumes/data/_data"},
         {"Destination", "/data"},
         {"Driver", "local"},
         {"Mode", "z"},
         {"RW", true},
         {"Propagation", ""}},
        "garbage",
    });
    doc["NetworkSettings"]["Networks"] = {{"b-net", {{"IPAddress", "172.18.0.2"}}},
                                          {"a-net", {{"IPAddress", ""}}}};
    doc["SizeRw"] = 12345;
  });
  ContainerInfo info = MustDecode(text);
  ASSERT_EQ(info.mounts.size(), 2u);
  EXPECT_EQ(info.mounts[0], (ContainerMount{"/etc/app", "/config", "ro", false, "rprivate"}));
  EXPECT_EQ(info.mounts[1], (ContainerMount{"/var/lib/docker/volumes/data/_data", "/data", "z", true, ""}));
  EXPECT_EQ(info.ip, "172.18.0.2");
  EXPECT_EQ(info.size, -1);  // not asked for

  DecodeOptions options;
  options.with_size = true;
  EXPECT_EQ(MustDecode(text, options).size, 12345);
  EXPECT_EQ(MustDecode(ReadSample("docker-inspect.json"), options).size, -1);  // no SizeRw in the document

  info = MustDecode(EditedInspect([](json& doc) {
    doc["NetworkSettings"]["IPAddress"] = "172.17.0.5";
    doc["NetworkSettings"]["Networks"] = {{"bridge", {{"IPAddress", "172.17.0.5"}}},
                                          {"other", {{"IPAddress", "10.0.0.9"}}}};
  }));
  EXPECT_EQ(info.ip, "172.17.0.5");
}

TEST(DockerInspectTest, PortMappings) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["NetworkSettings"]["Ports"] = {
        {"80/tcp", {{{"HostIp", "0.0.0.0"}, {"HostPort", "8080"}}, {{"HostIp", "::"}, {"HostPort", "8080"}}}},
        {"8443/tcp", {{{"HostIp", "127.0.0.1"}, {"HostPort", "9443"}}}},
        {"53/udp", {{{"HostIp", "0.0.0.0"}, {"HostPort", "5353"}}}},
        {"443/tcp", nullptr},  // exposed, not published
        {"9000/tcp", {{{"HostIp", "fe80::1"}, {"HostPort", "9000"}}}},
        {"bogus/tcp", {{{"HostIp", "0.0.0.0"}, {"HostPort", "1"}}}},
    };
  }));
  EXPECT_EQ(info.port_mappings, (std::vector<PortMapping>{{0, 8080, 80}, {0x7F000001, 9443, 8443}}));
}

TEST(DockerInspectTest, PortBindingsBeforeStart) {
  // At `create` only the requested bindings exist; random host ports (empty) are skipped.
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["NetworkSettings"]["Ports"] = json::object();
    doc["HostConfig"]["PortBindings"] = {
        {"80/tcp", {{{"HostIp", ""}, {"HostPort", "8080"}}}},
        {"81/tcp", {{{"HostIp", ""}, {"HostPort", ""}}}},
        {"82", {{{"HostIp", "10.1.2.3"}, {"HostPort", "8082"}}}},
    };
  }));
  EXPECT_EQ(info.port_mappings, (std::vector<PortMapping>{{0, 8080, 80}, {0x0A010203, 8082, 82}}));
}

TEST(DockerInspectTest, KubernetesSandbox) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["Name"] = "/k8s_POD_web-0_default_0f1e2d3c_0"; }));
  EXPECT_TRUE(info.is_pod_sandbox);
  EXPECT_EQ(info.pod_sandbox_id, kRunId);

  const std::string sandbox(64, 'f');
  info = MustDecode(EditedInspect([&](json& doc) {
    doc["Name"] = "/k8s_app_web-0_default_0f1e2d3c_0";
    doc["Config"]["Labels"] = {{"io.kubernetes.sandbox.id", sandbox}};
  }));
  EXPECT_FALSE(info.is_pod_sandbox);
  EXPECT_EQ(info.pod_sandbox_id, sandbox);

  // The sandbox id survives even when a tiny label limit drops the label itself.
  DecodeOptions options;
  options.label_max_len = 10;
  info = MustDecode(EditedInspect([&](json& doc) {
                      doc["Config"]["Labels"] = {{"io.kubernetes.sandbox.id", sandbox}};
                    }),
                    options);
  EXPECT_TRUE(info.labels.empty());
  EXPECT_EQ(info.pod_sandbox_id, sandbox);
}

TEST(DockerInspectTest, CreatedWithOffset) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["Created"] = "2026-11-23T21:08:42.5+02:00"; }));
  EXPECT_EQ(info.created_time, 1795460922);
  info = MustDecode(EditedInspect([](json& doc) { doc["Created"] = "yesterday"; }));
  EXPECT_EQ(info.created_time, 0);
}

TEST(DockerInspectTest, NullsAndWrongTypesGiveDefaults) {
  ContainerInfo info = MustDecode(
      R"({"Id":"abc","Name":null,"Created":null,"Config":null,"HostConfig":null,"Mounts":null,
          "NetworkSettings":null,"Image":null})");
  EXPECT_EQ(info.id, "abc");
  EXPECT_EQ(info.full_id, "abc");
  EXPECT_EQ(info.name, "");
  EXPECT_EQ(info.image, "");
  EXPECT_EQ(info.cpu_period, 100000);
  EXPECT_EQ(info.cpu_shares, 1024);
  EXPECT_EQ(info.size, -1);

  info = MustDecode(R"({"Id":"abc","Name":5,"Created":[1],"Image":{},
      "Config":{"Env":"A=1","Labels":[1],"User":7,"Image":false,"Healthcheck":[]},
      "HostConfig":{"Privileged":"yes","CpuPeriod":"1","CpuQuota":1e300,"Memory":18446744073709551615,
                    "CpusetCpus":4,"PidMode":null,"PortBindings":[]},
      "Mounts":[1,"a",{"RW":"no","Source":null}],
      "NetworkSettings":{"IPAddress":1,"Networks":[],"Ports":{"80/tcp":[{"HostIp":1,"HostPort":8080}]}}})");
  EXPECT_EQ(info.name, "");
  EXPECT_EQ(info.created_time, 0);
  EXPECT_TRUE(info.env.empty());
  EXPECT_TRUE(info.labels.empty());
  EXPECT_EQ(info.user, "");
  EXPECT_FALSE(info.privileged);
  EXPECT_EQ(info.cpu_period, 100000);
  EXPECT_EQ(info.cpu_quota, 0);
  EXPECT_EQ(info.memory_limit, INT64_MAX);  // clamped, not wrapped
  EXPECT_EQ(info.cpuset_cpu_count, 0);
  ASSERT_EQ(info.mounts.size(), 1u);
  EXPECT_TRUE(info.mounts[0].read_write);
  EXPECT_EQ(info.ip, "");
  EXPECT_EQ(info.port_mappings, (std::vector<PortMapping>{{0, 8080, 80}}));
}

TEST(DockerInspectTest, MalformedAndTruncated) {
  std::string error;
  for (std::string_view bad : {"", "{", "nul", "[]", "null", "42", "\"str\"", "{\"Id\":5}", "{\"Id\":\"\"}",
                               "{\"Name\":\"/x\"}", "{\"Id\":\"a\"} trailing"}) {
    error.clear();
    EXPECT_EQ(DecodeDockerInspect(bad, {}, &error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_EQ(DecodeDockerInspect("{", {}, nullptr), std::nullopt);
  // Bytes that are not UTF-8 cost only themselves (U+FFFD), not the document.
  const auto replaced = DecodeDockerInspect("{\"Id\":\"a\xff\"}", {}, &error);
  ASSERT_TRUE(replaced.has_value()) << error;
  EXPECT_EQ(replaced->full_id, "a\xEF\xBF\xBD");

  // Every proper prefix of the real document is rejected without crashing.
  const std::string sample = ReadSample("docker-inspect.json");
  const size_t last_brace = sample.rfind('}');
  for (size_t n = 0; n < last_brace; n += 7) {
    EXPECT_EQ(DecodeDockerInspect(std::string_view(sample).substr(0, n), {}, &error), std::nullopt) << n;
  }

  // Deep nesting is refused up front instead of recursing without bound.
  std::string deep = "{\"Id\":\"a\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  error.clear();
  EXPECT_EQ(DecodeDockerInspect(deep, {}, &error), std::nullopt);
  EXPECT_FALSE(error.empty());
}

// Byte-level damage anywhere in real documents must never crash or throw.
TEST(DockerInspectTest, MutatedSamplesNeverCrash) {
  int decoded = 0;
  for (const char* name :
       {"docker-inspect.json", "podman-compat-inspect.json", "docker-containers-list.json"}) {
    const std::string sample = ReadSample(name);
    for (size_t i = 0; i < sample.size(); i += 29) {
      for (char c : {'"', '{', ']', '\0'}) {
        std::string mutated = sample;
        mutated[i] = c;
        std::string error;
        if (DecodeDockerInspect(mutated, {}, &error)) ++decoded;
        (void)engine_decode::ListedContainers(mutated, ContainerType::kDocker, {}, &error);
        (void)NetworkModeContainer(mutated);
        ContainerInfo info;
        ApplyDockerImageInspect(mutated, &info);
        (void)DecodeDockerEvent(mutated);
      }
    }
  }
  EXPECT_GT(decoded, 0);  // harmless edits (inside strings) still decode
}

// --- Image inspect.

TEST(DockerImageInspectTest, UntaggedNameTakesLatestAndMatchingDigest) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) { doc["Config"]["Image"] = "busybox"; }));
  EXPECT_EQ(info.image_tag, "");
  ApplyDockerImageInspect(R"({"Id":"sha256:30d7","RepoTags":["busybox:1.36","busybox:latest","other:9"],
      "RepoDigests":["other@sha256:111","busybox@sha256:222"]})",
                          &info);
  EXPECT_EQ(info.image_repo, "busybox");
  EXPECT_EQ(info.image_tag, "latest");
  EXPECT_EQ(info.image_digest, "sha256:222");
  EXPECT_EQ(info.image_id, kImageId);  // already known, kept
}

TEST(DockerImageInspectTest, ImageIdReferenceTakesNamesFromImage) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) { doc["Config"]["Image"] = "30d75528cd20"; }));
  ApplyDockerImageInspect(R"({"RepoTags":["nginx:1.25"],"RepoDigests":["nginx@sha256:bbb"]})", &info);
  EXPECT_EQ(info.image_repo, "nginx");
  EXPECT_EQ(info.image_tag, "1.25");
  EXPECT_EQ(info.image_digest, "sha256:bbb");
}

TEST(DockerImageInspectTest, KeepsExplicitTagAndNormalizesDockerHub) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["Config"]["Image"] = "docker.io/library/nginx:1.25"; }));
  ApplyDockerImageInspect(
      R"({"RepoTags":["nginx:latest","nginx:1.25"],"RepoDigests":["quay.io/x/nginx@sha256:000","nginx@sha256:ccc"]})",
      &info);
  EXPECT_EQ(info.image_repo, "docker.io/library/nginx");
  EXPECT_EQ(info.image_tag, "1.25");
  EXPECT_EQ(info.image_digest, "sha256:ccc");
}

TEST(DockerImageInspectTest, RegistryWithPortAndSingleDigest) {
  ContainerInfo info =
      MustDecode(EditedInspect([](json& doc) { doc["Config"]["Image"] = "reg.local:5000/app:v1"; }));
  // A retagged image: the only digest is unambiguous even under another name.
  ApplyDockerImageInspect(R"({"RepoTags":["reg.local:5000/app:v1"],"RepoDigests":["mirror/app@sha256:ddd"]})",
                          &info);
  EXPECT_EQ(info.image_repo, "reg.local:5000/app");
  EXPECT_EQ(info.image_tag, "v1");
  EXPECT_EQ(info.image_digest, "sha256:ddd");
}

TEST(DockerImageInspectTest, MalformedLeavesInfoAlone) {
  ContainerInfo info = MustDecode(ReadSample("docker-inspect.json"));
  const ContainerInfo before = info;
  ApplyDockerImageInspect("{", &info);
  ApplyDockerImageInspect("[]", &info);
  ApplyDockerImageInspect(R"({"RepoTags":"x","RepoDigests":[1,null,"no-at-sign"]})", &info);
  EXPECT_EQ(info, before);
  ApplyDockerImageInspect("{}", nullptr);

  ContainerInfo empty;
  ApplyDockerImageInspect(R"({"Id":"sha256:feed","RepoTags":null,"RepoDigests":null})", &empty);
  EXPECT_EQ(empty.image_id, "feed");
  EXPECT_EQ(empty.image_repo, "");
}

// --- Building blocks.

TEST(EngineDecodeTest, Rfc3339) {
  using engine_decode::ParseRfc3339Seconds;
  EXPECT_EQ(ParseRfc3339Seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Seconds("2026-11-23T19:08:42.778232282Z"), 1795460922);
  EXPECT_EQ(ParseRfc3339Seconds("2026-11-23T19:08:42Z"), 1795460922);
  EXPECT_EQ(ParseRfc3339Seconds("2026-11-23T18:08:42-01:00"), 1795460922);
  EXPECT_EQ(ParseRfc3339Seconds("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_LT(*ParseRfc3339Seconds("0001-01-01T00:00:00Z"), 0);
  for (std::string_view bad :
       {"", "2026-11-23", "2026-11-23T19:08:42", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T19:08:42.Z", "2026-11-23T19:08:42+0200", "2026-11-23T-1:08:42Z",
        "garbage-garbage-garbage"}) {
    EXPECT_EQ(ParseRfc3339Seconds(bad), std::nullopt) << bad;
  }
}

TEST(EngineDecodeTest, Rfc3339Nanos) {
  using engine_decode::ParseRfc3339Nanos;
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T19:08:42.778232282Z"), 1795460922778232282);
  // Go's RFC3339Nano drops trailing zeros; extra digits are truncated.
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T19:08:42.77823228Z"), 1795460922778232280);
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T19:08:42.7782322829Z"), 1795460922778232282);
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T20:08:42.5+01:00"), 1795460922500000000);
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T19:08:42Z"), 1795460922000000000);
  EXPECT_EQ(ParseRfc3339Nanos("1969-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(ParseRfc3339Nanos("2263-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseRfc3339Nanos("2026-11-23T19:08:42.Z"), std::nullopt);
}

TEST(EngineDecodeTest, Cpuset) {
  using engine_decode::CountCpusetCpus;
  EXPECT_EQ(CountCpusetCpus(""), 0);
  EXPECT_EQ(CountCpusetCpus("0"), 1);
  EXPECT_EQ(CountCpusetCpus("0-3,5"), 5);
  EXPECT_EQ(CountCpusetCpus("0-3, 8-9"), 6);
  EXPECT_EQ(CountCpusetCpus("3-1,a,,7"), 1);
  EXPECT_EQ(CountCpusetCpus("0-"), 0);
}

TEST(EngineDecodeTest, Ipv4) {
  using engine_decode::ParseIpv4;
  EXPECT_EQ(ParseIpv4("0.0.0.0"), 0u);
  EXPECT_EQ(ParseIpv4("10.0.0.1"), 0x0A000001u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xFFFFFFFFu);
  EXPECT_EQ(ParseIpv4("192.168.1.20"), 0xC0A80114u);
  for (std::string_view bad : {"", "::", "::1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ",
                               "-1.2.3.4", "1.2.3.", "1234.1.1.1"}) {
    EXPECT_EQ(ParseIpv4(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace libcontainer
