#include "engines/podman/podman_decoder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSample;
using engine_testing::ReadSampleLines;

using nlohmann::json;

constexpr char kRunId[] = "0ad691da02a426d743da29a09a0366d01140562b8c81edc0d17010bd1ff90673";
constexpr char kImageId[] = "6cfb7b644355abb12232063b58f871468a8ec3da7ac4e069af73bbbda499858c";

std::string EditedInspect(const std::function<void(json&)>& edit) {
  json doc = json::parse(ReadSample("podman-inspect.json"));
  edit(doc);
  return doc.dump();
}

// The container whose network the inspected one shares, as the decoder
// reads it; nullopt for none or an undecodable document.
std::optional<std::string> NetworkModeContainer(const std::string& text) {
  std::string shared;
  if (!DecodePodmanInspect(text, DecodeOptions{}, nullptr, &shared) || shared.empty()) return std::nullopt;
  return shared;
}

ContainerInfo MustDecode(const std::string& text, const DecodeOptions& options = {}) {
  std::string error;
  auto info = DecodePodmanInspect(text, options, &error);
  EXPECT_TRUE(info.has_value()) << error;
  return info.value_or(ContainerInfo{});
}

TEST(PodmanInspectTest, RealLibpodSample) {
  ContainerInfo info = MustDecode(ReadSample("podman-inspect.json"));
  EXPECT_EQ(info.type, ContainerType::kPodman);
  EXPECT_EQ(info.id, "0ad691da02a4");
  EXPECT_EQ(info.full_id, kRunId);
  EXPECT_EQ(info.name, "probe-run");
  EXPECT_EQ(info.image, "localhost/local/busybox:test");
  EXPECT_EQ(info.image_id, kImageId);
  EXPECT_EQ(info.image_repo, "localhost/local/busybox");
  EXPECT_EQ(info.image_tag, "test");
  EXPECT_EQ(info.image_digest, "sha256:8ac9de5903b64308169bd5b53844b9ca57cf4b9438ea4fedfbfe734fc78f0df5");
  EXPECT_EQ(info.created_time, 1795460762);  // 2026-11-23T19:06:02.826760116Z
  EXPECT_EQ(info.user, "");
  EXPECT_EQ(info.ip, "");
  EXPECT_EQ(info.env,
            (std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                      "TERM=xterm", "container=podman", "HOME=/", "HOSTNAME=0ad691da02a4"}));
  EXPECT_EQ(info.labels, (Labels{{"probe", "1"}}));
  EXPECT_FALSE(info.privileged);
  EXPECT_FALSE(info.host_pid);      // "private"
  EXPECT_FALSE(info.host_network);  // "none"
  EXPECT_FALSE(info.host_ipc);      // "shareable"
  EXPECT_EQ(info.cpu_period, 100000);
  EXPECT_EQ(info.cpu_quota, 0);
  EXPECT_EQ(info.cpu_shares, 1024);
  EXPECT_EQ(info.cpuset_cpu_count, 0);
  EXPECT_EQ(info.memory_limit, 0);
  EXPECT_EQ(info.swap_limit, 0);
  EXPECT_EQ(info.size, -1);
  EXPECT_TRUE(info.mounts.empty());
  EXPECT_TRUE(info.port_mappings.empty());
  EXPECT_FALSE(info.healthcheck.has_value());
  EXPECT_FALSE(info.is_pod_sandbox);
  EXPECT_EQ(info.pod_sandbox_id, "");
}

TEST(PodmanInspectTest, CompatSampleAlsoDecodes) {
  ContainerInfo info = MustDecode(ReadSample("podman-compat-inspect.json"));
  EXPECT_EQ(info.type, ContainerType::kPodman);
  EXPECT_EQ(info.id, "8015ae78cd84");
  EXPECT_EQ(info.name, "probe-api");  // leading "/" dropped
  EXPECT_EQ(info.image, "localhost/local/busybox:test");
  EXPECT_EQ(info.image_id, kImageId);  // "sha256:" dropped
  EXPECT_EQ(info.image_repo, "localhost/local/busybox");
  EXPECT_EQ(info.image_tag, "test");
  EXPECT_EQ(info.image_digest, "");
  EXPECT_EQ(info.created_time, 1795460782);
  EXPECT_EQ(info.labels, (Labels{{"probe", "api"}}));
}

TEST(PodmanInspectTest, InfraContainerIsSandbox) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["IsInfra"] = true;
    doc["Name"] = "abcdef-infra";
    doc["Pod"] = "abcdef";
  }));
  EXPECT_TRUE(info.is_pod_sandbox);
  info = MustDecode(EditedInspect([](json& doc) { doc["IsInfra"] = "true"; }));
  EXPECT_FALSE(info.is_pod_sandbox);  // wrong type → default
}

TEST(PodmanInspectTest, HealthchecksInBothPlaces) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["Config"]["Healthcheck"] = {{"Test", {"CMD-SHELL", "pgrep sleep"}}, {"Interval", 30000000000}};
  }));
  ASSERT_TRUE(info.healthcheck.has_value());
  EXPECT_EQ(*info.healthcheck, (ProbeCommand{"/bin/sh", {"-c", "pgrep sleep"}}));

  info = MustDecode(EditedInspect([](json& doc) {
    doc["Healthcheck"] = {{"Test", {"CMD", "/check", "-q"}}};
  }));
  ASSERT_TRUE(info.healthcheck.has_value());
  EXPECT_EQ(*info.healthcheck, (ProbeCommand{"/check", {"-q"}}));

  info = MustDecode(EditedInspect([](json& doc) { doc["Config"]["Healthcheck"] = {{"Test", {"NONE"}}}; }));
  EXPECT_FALSE(info.healthcheck.has_value());
}

TEST(PodmanInspectTest, PortsWithProtocolSuffixAreParsed) {
  // The reference ran Atoi on "80/tcp" and so never reported a podman port.
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["NetworkSettings"]["Ports"] = {
        {"80/tcp", {{{"HostIp", ""}, {"HostPort", "8080"}}}},
        {"443/tcp", {{{"HostIp", "::"}, {"HostPort", "8443"}}}},
        {"53/udp", {{{"HostIp", ""}, {"HostPort", "5353"}}}},
    };
    doc["NetworkSettings"]["IPAddress"] = "10.88.0.4";
  }));
  EXPECT_EQ(info.port_mappings, (std::vector<PortMapping>{{0, 8080, 80}}));
  EXPECT_EQ(info.ip, "10.88.0.4");
}

TEST(PodmanInspectTest, HostModesLimitsMountsLabels) {
  const std::string sandbox(64, 'e');
  auto text = EditedInspect([&](json& doc) {
    auto& host = doc["HostConfig"];
    host["Privileged"] = true;
    host["PidMode"] = "host";
    host["NetworkMode"] = "host";
    host["IpcMode"] = "host";
    host["CpuPeriod"] = 20000;
    host["CpuQuota"] = 10000;
    host["CpuShares"] = 2;
    host["CpusetCpus"] = "1,3-4";
    host["Memory"] = 268435456;
    host["MemorySwap"] = -1;
    doc["Config"]["User"] = "nobody";
    doc["Config"]["Labels"] = {
        {"probe", "1"}, {"long", std::string(101, 'x')}, {"io.kubernetes.sandbox.id", sandbox}};
    doc["Mounts"] = json::array({{{"Type", "bind"},
                                  {"Source", "/srv"},
                                  {"Destination", "/srv"},
                                  {"Driver", ""},
                                  {"Mode", ""},
                                  {"Options", {"rbind"}},
                                  {"RW", true},
                                  {"Propagation", "rprivate"}}});
    doc["SizeRw"] = 4096;
  });
  ContainerInfo info = MustDecode(text);
  EXPECT_TRUE(info.privileged);
  EXPECT_TRUE(info.host_pid);
  EXPECT_TRUE(info.host_network);
  EXPECT_TRUE(info.host_ipc);
  EXPECT_EQ(info.cpu_period, 20000);
  EXPECT_EQ(info.cpu_quota, 10000);
  EXPECT_EQ(info.cpu_shares, 2);
  EXPECT_EQ(info.cpuset_cpu_count, 3);
  EXPECT_EQ(info.memory_limit, 268435456);
  EXPECT_EQ(info.swap_limit, -1);
  EXPECT_EQ(info.user, "nobody");
  EXPECT_EQ(info.labels.count("long"), 0u);
  EXPECT_EQ(info.labels.count("probe"), 1u);
  EXPECT_EQ(info.pod_sandbox_id, sandbox);
  ASSERT_EQ(info.mounts.size(), 1u);
  EXPECT_EQ(info.mounts[0], (ContainerMount{"/srv", "/srv", "", true, "rprivate"}));
  EXPECT_EQ(info.size, -1);
  DecodeOptions options;
  options.with_size = true;
  EXPECT_EQ(MustDecode(text, options).size, 4096);
}

TEST(PodmanInspectTest, NetworkModeContainer) {
  EXPECT_EQ(NetworkModeContainer(EditedInspect(
                [](json& doc) { doc["HostConfig"]["NetworkMode"] = "container:0ad691da02a4"; })),
            "0ad691da02a4");
  EXPECT_EQ(NetworkModeContainer(ReadSample("podman-inspect.json")), std::nullopt);
}

TEST(PodmanInspectTest, ImageByIdAndNulls) {
  ContainerInfo info = MustDecode(EditedInspect([](json& doc) {
    doc["ImageName"] = kImageId;
    doc["ImageDigest"] = nullptr;
  }));
  EXPECT_EQ(info.image, kImageId);
  EXPECT_EQ(info.image_repo, "");
  EXPECT_EQ(info.image_tag, "");
  EXPECT_EQ(info.image_digest, "");

  info = MustDecode(R"({"Id":"xyz","ImageName":null,"Config":null,"HostConfig":null,"IsInfra":null,
                        "Healthcheck":"no","NetworkSettings":{"Networks":null,"Ports":null}})");
  EXPECT_EQ(info.type, ContainerType::kPodman);
  EXPECT_EQ(info.id, "xyz");
  EXPECT_EQ(info.image, "");
  EXPECT_FALSE(info.is_pod_sandbox);
}

TEST(PodmanInspectTest, MalformedAndTruncated) {
  std::string error;
  for (std::string_view bad : {"", "{", "[]", "null", "{\"Id\":null}", "{\"Id\":\"abc\""}) {
    error.clear();
    EXPECT_EQ(DecodePodmanInspect(bad, {}, &error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  const std::string sample = ReadSample("podman-inspect.json");
  const size_t last_brace = sample.rfind('}');
  for (size_t n = 0; n < last_brace; n += 5) {
    EXPECT_EQ(DecodePodmanInspect(std::string_view(sample).substr(0, n), {}, nullptr), std::nullopt) << n;
  }
}

TEST(PodmanListTest, RealLibpodSample) {
  std::string error;
  const auto listed = engine_decode::ListedContainers(ReadSample("podman-libpod-containers-list.json"),
                                                      ContainerType::kPodman, {}, &error);
  ASSERT_TRUE(listed.has_value()) << error;
  std::vector<std::string> ids;
  for (const ContainerInfo& info : *listed) ids.push_back(info.full_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"de5f0204d4e6302145ec9aa6cdcaafb02dda7c766ba4a680ccea567b4ef773a9",
                                           kRunId}));
  // libpod names carry no leading '/' and times are RFC 3339.
  EXPECT_EQ((*listed)[0].type, ContainerType::kPodman);
  EXPECT_EQ((*listed)[0].name, "probe-created");
  EXPECT_EQ((*listed)[0].image, "localhost/local/busybox:test");
  EXPECT_EQ((*listed)[0].created_time, 1795460762);
  EXPECT_EQ((*listed)[0].labels, (Labels{{"probe", "1"}}));
  EXPECT_EQ(engine_decode::ListedContainers("null", ContainerType::kPodman, {}, &error),
            std::vector<ContainerInfo>{});
  error.clear();
  EXPECT_EQ(engine_decode::ListedContainers("[{\"Id\":", ContainerType::kPodman, {}, &error), std::nullopt);
  EXPECT_FALSE(error.empty());
}

TEST(PodmanEventTest, RealLibpodStream) {
  auto lines = ReadSampleLines("podman-libpod-events.jsonl");
  ASSERT_EQ(lines.size(), 5u);
  std::vector<EngineEvent::Kind> kinds;
  for (const auto& line : lines) {
    auto event = DecodePodmanEvent(line);
    ASSERT_TRUE(event.has_value()) << line;
    EXPECT_EQ(event->id, "8015ae78cd845386d05aaed6ef1c4ca18447e847e2e27158ebf309794f7dcbc0");
    EXPECT_EQ(event->name, "probe-api");
    kinds.push_back(event->kind);
  }
  // init, start, kill, died, cleanup: no create/remove in this capture.
  using K = EngineEvent::Kind;
  EXPECT_EQ(kinds, (std::vector<K>{K::kOther, K::kStart, K::kOther, K::kDie, K::kOther}));
  EXPECT_EQ(DecodePodmanEvent(lines[3])->time_nano, 1795460850084901519);
}

TEST(PodmanEventTest, ActionsAndNonContainerEvents) {
  using K = EngineEvent::Kind;
  const std::map<std::string, K> expected = {
      {"create", K::kCreate}, {"start", K::kStart},   {"died", K::kDie},
      {"die", K::kDie},       {"remove", K::kRemove}, {"init", K::kOther},
      {"cleanup", K::kOther}, {"stop", K::kOther},    {"exec", K::kOther}};
  for (const auto& [action, kind] : expected) {
    json line = {{"Type", "container"},
                 {"Action", action},
                 {"Actor", {{"ID", "c1"}, {"Attributes", {{"name", "n"}}}}},
                 {"time", 1}};
    auto event = DecodePodmanEvent(line.dump());
    ASSERT_TRUE(event.has_value()) << action;
    EXPECT_EQ(event->kind, kind) << action;
    EXPECT_EQ(event->time_nano, 1000000000);
  }
  EXPECT_EQ(DecodePodmanEvent(R"({"Type":"pod","Action":"create","Actor":{"ID":"p1"}})"), std::nullopt);
  EXPECT_EQ(DecodePodmanEvent(R"({"Type":"image","Action":"pull","Actor":{"ID":"i1"}})"), std::nullopt);
  EXPECT_EQ(DecodePodmanEvent(R"({"Type":"container","Action":"died","Actor":{"ID":"c1")"), std::nullopt);
  EXPECT_EQ(DecodePodmanEvent(""), std::nullopt);
}

TEST(PodmanLogEventTest, RealEventsLog) {
  // podman 4.3.1 with events_logger = "file": run -d, rm -f, then a pod.
  const auto lines = ReadSampleLines("podman-events-log.jsonl");
  ASSERT_EQ(lines.size(), 12u);
  constexpr char kId[] = "c2f16a5675b2d4c16ac3e3c017c02276013bc2eea6b39de48615e50a2269ce3e";
  using K = EngineEvent::Kind;
  std::vector<K> kinds;
  for (const auto& line : lines) {
    if (auto event = DecodePodmanLogEvent(line); event && event->id == kId) kinds.push_back(event->kind);
  }
  EXPECT_EQ(kinds, (std::vector<K>{K::kCreate, K::kOther, K::kStart, K::kDie, K::kOther, K::kRemove}));

  const auto create = DecodePodmanLogEvent(lines[0]);
  ASSERT_TRUE(create.has_value());
  EXPECT_EQ(create->name, "probe-file");
  EXPECT_EQ(create->image, "localhost/local/busybox:test");
  EXPECT_EQ(create->labels, (Labels{{"probe", "file"}, {"tier", "db"}}));
  EXPECT_EQ(create->time_nano, 1795473426132028012);  // 2026-11-23T22:37:06.132028012Z
  // Eight fraction digits (Go drops the trailing zero).
  EXPECT_EQ(DecodePodmanLogEvent(lines[2])->time_nano, 1795473426223767230);

  // The pod's infra container is a container; image and pod events are not.
  const auto infra = DecodePodmanLogEvent(lines[8]);
  ASSERT_TRUE(infra.has_value());
  EXPECT_EQ(infra->kind, K::kCreate);
  EXPECT_EQ(infra->name, "7081f0961e49-infra");
  EXPECT_EQ(DecodePodmanLogEvent(lines[1]), std::nullopt);
  EXPECT_EQ(DecodePodmanLogEvent(lines[9]), std::nullopt);
}

TEST(PodmanLogEventTest, MalformedAndIncomplete) {
  EXPECT_EQ(DecodePodmanLogEvent(""), std::nullopt);
  EXPECT_EQ(DecodePodmanLogEvent(R"({"ID":"c1","Status":"create","Type":"container")"), std::nullopt);
  EXPECT_EQ(DecodePodmanLogEvent(R"({"Status":"create","Type":"container"})"), std::nullopt);
  EXPECT_EQ(DecodePodmanLogEvent(R"(["ID","c1"])"), std::nullopt);
  EXPECT_EQ(DecodePodmanLogEvent(std::string(100000, '[')), std::nullopt);
  // Odd types are skipped, not fatal; a bad Time only loses the time.
  const auto event = DecodePodmanLogEvent(
      R"({"ID":"c1","Status":"create","Type":"container","Time":7,"Name":1,"Attributes":{"a":1,"b":"x","podId":"p"}})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind, EngineEvent::Kind::kCreate);
  EXPECT_EQ(event->time_nano, 0);
  EXPECT_EQ(event->name, "");
  EXPECT_EQ(event->labels, (Labels{{"b", "x"}}));
}

}  // namespace
}  // namespace libcontainer
