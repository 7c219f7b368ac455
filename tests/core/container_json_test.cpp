#include "core/container_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace libcontainer {
namespace {

using nlohmann::json;

ContainerInfo FullyPopulated() {
  ContainerInfo info;
  info.type = ContainerType::kPodman;
  info.full_id = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
  info.id = std::string(ShortId(info.full_id));
  info.name = "web \"quoted\" \\ name";
  info.image = "registry.example.com:5000/team/app:1.2@sha256:0123abcd";
  info.image_id = "5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6";
  info.image_repo = "registry.example.com:5000/team/app";
  info.image_tag = "1.2";
  info.image_digest = "sha256:0123abcd";
  info.user = "1000:1000";
  info.cni_json = R"({"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}]})";
  info.ip = "10.88.0.7";
  info.pod_sandbox_id = "e1f0a7b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";
  info.cpu_period = 100000;
  info.cpu_quota = 50000;
  info.cpu_shares = 512;
  info.cpuset_cpu_count = 2;
  info.created_time = 1717171717;
  info.memory_limit = 5368709120;
  info.swap_limit = INT64_MAX;
  info.size = 123456789012;
  info.host_ipc = true;
  info.host_network = true;
  info.host_pid = true;
  info.is_pod_sandbox = true;
  info.privileged = true;
  info.env = {"PATH=/usr/bin", "EMPTY=", "UNICODE=h\xC3\xA9llo", "NL=a\nb"};
  info.labels = {{"app", "web"}, {"io.kubernetes.pod.name", "web-0"}, {"empty", ""}};
  info.pod_sandbox_labels = {{"app", "web"}, {"tier", "front"}};
  info.port_mappings = {{0xC0A80001u, 8080, 80}, {0, 65535, 65535}, {0xFFFFFFFFu, 1, 443}};
  info.mounts = {{"/host/data", "/data", "Z", true, "rprivate"}, {"/etc/hosts", "/etc/hosts", "", false, ""}};
  info.healthcheck = ProbeCommand{"/bin/sh", {"-c", "curl -f http://localhost/"}};
  info.liveness_probe = ProbeCommand{"/bin/true", {}};
  info.readiness_probe = ProbeCommand{"/usr/bin/check", {"--ready"}};
  return info;
}

json Inner(const std::string& text) {
  return json::parse(text).at("container");
}

TEST(ContainerJsonTest, RoundTripFullyPopulated) {
  ContainerInfo in = FullyPopulated();
  std::string text = ContainerToJson(in);
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(text, &out, &error)) << error;
  EXPECT_EQ(out, in);
}

TEST(ContainerJsonTest, RoundTripDefaults) {
  ContainerInfo in;
  ContainerInfo out;
  out.name = "garbage";
  ASSERT_TRUE(ContainerFromJson(ContainerToJson(in), &out, nullptr));
  EXPECT_EQ(out, in);
}

TEST(ContainerJsonTest, WritesEveryKeyWithReferenceSpelling) {
  json c = Inner(ContainerToJson(FullyPopulated()));
  for (const char* key : {"type",
                          "id",
                          "full_id",
                          "name",
                          "image",
                          "imageid",
                          "imagerepo",
                          "imagetag",
                          "imagedigest",
                          "User",
                          "cni_json",
                          "cpu_period",
                          "cpu_quota",
                          "cpu_shares",
                          "cpuset_cpu_count",
                          "created_time",
                          "env",
                          "host_ipc",
                          "host_network",
                          "host_pid",
                          "ip",
                          "size",
                          "is_pod_sandbox",
                          "labels",
                          "memory_limit",
                          "swap_limit",
                          "pod_sandbox_id",
                          "privileged",
                          "pod_sandbox_labels",
                          "port_mappings",
                          "Mounts",
                          "Healthcheck",
                          "LivenessProbe",
                          "ReadinessProbe"}) {
    EXPECT_TRUE(c.contains(key)) << key;
  }
  EXPECT_EQ(c.size(), 34u);
  EXPECT_EQ(c["type"], 11);
  EXPECT_EQ(c["memory_limit"], 5368709120);
  EXPECT_EQ(c["port_mappings"][0],
            json::parse(R"({"HostIp":3232235521,"HostPort":8080,"ContainerPort":80})"));
  EXPECT_EQ(c["Mounts"][0], json::parse(R"({"Source":"/host/data","Destination":"/data","Mode":"Z","RW":true,
                                              "Propagation":"rprivate"})"));
  EXPECT_EQ(c["Healthcheck"], json::parse(R"({"exe":"/bin/sh","args":["-c","curl -f http://localhost/"]})"));
  EXPECT_EQ(c["LivenessProbe"], json::parse(R"({"exe":"/bin/true","args":[]})"));
}

TEST(ContainerJsonTest, DefaultRecordShape) {
  json c = Inner(ContainerToJson(ContainerInfo{}));
  EXPECT_EQ(c.size(), 31u);  // no probe keys
  EXPECT_FALSE(c.contains("Healthcheck"));
  EXPECT_FALSE(c.contains("LivenessProbe"));
  EXPECT_FALSE(c.contains("ReadinessProbe"));
  EXPECT_EQ(c["type"], 65535);
  EXPECT_EQ(c["size"], -1);
  EXPECT_TRUE(c["labels"].is_object());
  EXPECT_TRUE(c["pod_sandbox_labels"].is_object());
  EXPECT_TRUE(c["env"].is_array());
  EXPECT_TRUE(c["port_mappings"].is_array());
  EXPECT_TRUE(c["Mounts"].is_array());
}

TEST(ContainerJsonTest, InvalidUtf8IsReplacedNotThrown) {
  ContainerInfo in;
  in.labels.emplace("bad", "\xFF\xFE latin1 \xE9");
  std::string text;
  ASSERT_NO_THROW(text = ContainerToJson(in));
  ContainerInfo out;
  ASSERT_TRUE(ContainerFromJson(text, &out, nullptr));
  EXPECT_EQ(out.labels.at("bad"), "\xEF\xBF\xBD\xEF\xBF\xBD latin1 \xEF\xBF\xBD");
}

TEST(ContainerJsonTest, ReadsInvalidUtf8FromOldCaptures) {
  std::string text = "{\"container\":{\"id\":\"abc\",\"labels\":{\"k\":\"caf\xE9\"}}}";
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(text, &out, &error)) << error;
  EXPECT_EQ(out.id, "abc");
  EXPECT_EQ(out.labels.at("k"), "caf\xEF\xBF\xBD");
}

// A record as written by Falco 0.2x (libs' own container JSON) into captures.
TEST(ContainerJsonTest, ParsesOldFalcoCaptureRecord) {
  constexpr std::string_view kRecord =
      R"({"container":{"Mounts":[],"cpu_period":100000,"cpu_quota":0,"cpu_shares":1024,"env":[],)"
      R"("id":"697956520d89","image":"nginx","imagedigest":"",)"
      R"("imageid":"a1d3e7ba1e1d2e1f2e6ad1d6b57ebaf54ba2e3d6a6ec1b9bcd8c1f8bb1a6e8a3","imagerepo":"nginx",)"
      R"("imagetag":"latest","ip":"172.17.0.2","is_pod_sandbox":false,)"
      R"("labels":{"maintainer":"NGINX Docker Maintainers <docker-maint@nginx.com>"},"memory_limit":0,)"
      R"("mesos_task_id":"","metadata_deadline":0,"name":"hopeful_taussig","port_mappings":[],)"
      R"("privileged":false,"swap_limit":0,"type":0}})";
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(kRecord, &out, &error)) << error;
  EXPECT_EQ(out.type, ContainerType::kDocker);
  EXPECT_EQ(out.id, "697956520d89");
  EXPECT_EQ(out.full_id, "");
  EXPECT_EQ(out.name, "hopeful_taussig");
  EXPECT_EQ(out.image, "nginx");
  EXPECT_EQ(out.image_id, "a1d3e7ba1e1d2e1f2e6ad1d6b57ebaf54ba2e3d6a6ec1b9bcd8c1f8bb1a6e8a3");
  EXPECT_EQ(out.image_repo, "nginx");
  EXPECT_EQ(out.image_tag, "latest");  // the payload's value wins over parsing `image`
  EXPECT_EQ(out.image_digest, "");
  EXPECT_EQ(out.ip, "172.17.0.2");
  EXPECT_EQ(out.cpu_period, 100000);
  EXPECT_EQ(out.cpu_shares, 1024);
  EXPECT_EQ(out.size, -1);  // missing
  EXPECT_FALSE(out.privileged);
  ASSERT_EQ(out.labels.size(), 1u);
  EXPECT_EQ(out.labels.at("maintainer"), "NGINX Docker Maintainers <docker-maint@nginx.com>");
  EXPECT_TRUE(out.env.empty());
  EXPECT_TRUE(out.mounts.empty());
  EXPECT_FALSE(out.healthcheck.has_value());
}

TEST(ContainerJsonTest, ParsesNullsLargeNumbersAndLegacyKeys) {
  constexpr std::string_view kRecord = R"({"container":{
      "type":6,"id":"8f3a1b2c3d4e","full_id":"8f3a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890123456789",
      "name":null,"image":"docker.io/library/redis:7.2","labels":null,"env":null,"pod_sandbox_labels":null,
      "port_mappings":null,"Mounts":null,"User":null,
      "Healthcheck":{"exe":"/bin/sh","args":null},"LivenessProbe":null,
      "memory_limit":5368709120,"swap_limit":9223372036854775807,"created_time":1700000000,"size":4096,
      "lookup_state":2,"metadata_deadline":0,"mesos_task_id":""}})";
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(kRecord, &out, &error)) << error;
  EXPECT_EQ(out.type, ContainerType::kCri);
  EXPECT_EQ(out.name, "");
  EXPECT_EQ(out.user, "");
  EXPECT_TRUE(out.labels.empty());
  EXPECT_TRUE(out.env.empty());
  EXPECT_TRUE(out.port_mappings.empty());
  EXPECT_TRUE(out.mounts.empty());
  ASSERT_TRUE(out.healthcheck.has_value());
  EXPECT_EQ(out.healthcheck->exe, "/bin/sh");
  EXPECT_TRUE(out.healthcheck->args.empty());
  EXPECT_FALSE(out.liveness_probe.has_value());
  EXPECT_EQ(out.memory_limit, 5368709120);
  EXPECT_EQ(out.swap_limit, INT64_MAX);
  EXPECT_EQ(out.created_time, 1700000000);
  EXPECT_EQ(out.size, 4096);
  // Repository and tag derived from `image` since the payload has none.
  EXPECT_EQ(out.image_repo, "docker.io/library/redis");
  EXPECT_EQ(out.image_tag, "7.2");
  EXPECT_EQ(out.image_digest, "");
}

TEST(ContainerJsonTest, AcceptsBareObjectFromLegacyConverter) {
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(
      ContainerFromJson(R"({"id":"0123456789ab","type":1,"name":"lxc1","image":"ubuntu"})", &out, &error))
      << error;
  EXPECT_EQ(out.id, "0123456789ab");
  EXPECT_EQ(out.type, ContainerType::kLxc);
  EXPECT_EQ(out.name, "lxc1");
  EXPECT_EQ(out.image_repo, "ubuntu");
}

TEST(ContainerJsonTest, AcceptsEmptyObjectsAndTrailingNul) {
  ContainerInfo out;
  ASSERT_TRUE(ContainerFromJson("{}", &out, nullptr));
  EXPECT_EQ(out, ContainerInfo{});
  ASSERT_TRUE(ContainerFromJson(R"({"container":{}})", &out, nullptr));
  EXPECT_EQ(out, ContainerInfo{});
  std::string with_nul = R"({"container":{"id":"abc"}})";
  with_nul.push_back('\0');
  ASSERT_TRUE(ContainerFromJson(with_nul, &out, nullptr));
  EXPECT_EQ(out.id, "abc");
}

TEST(ContainerJsonTest, WrongTypesAreIgnored) {
  constexpr std::string_view kRecord = R"({"container":{
      "type":"docker","id":12,"name":"ok","privileged":"yes","memory_limit":"1024","cpu_shares":2.0,
      "labels":["a"],"env":["A=1",7,null,"B=2"],"pod_sandbox_labels":{"a":"1","b":2,"c":null},
      "size":1e300,"host_pid":1,
      "port_mappings":[{"HostIp":-1,"HostPort":70000,"ContainerPort":80},"junk",{"HostIp":"x","HostPort":53}],
      "Mounts":[{"Source":"/a","Destination":"/b"},{"Source":1,"RW":"true"},7],
      "Healthcheck":"not an object","ReadinessProbe":{"exe":5,"args":["x",1]}}})";
  ContainerInfo out;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(kRecord, &out, &error)) << error;
  EXPECT_EQ(out.type, ContainerType::kUnknown);
  EXPECT_EQ(out.id, "");
  EXPECT_EQ(out.name, "ok");
  EXPECT_FALSE(out.privileged);
  EXPECT_FALSE(out.host_pid);
  EXPECT_EQ(out.memory_limit, 0);
  EXPECT_EQ(out.cpu_shares, 2);
  EXPECT_EQ(out.size, -1);
  EXPECT_TRUE(out.labels.empty());
  EXPECT_EQ(out.env, (std::vector<std::string>{"A=1", "B=2"}));
  EXPECT_EQ(out.pod_sandbox_labels, (Labels{{"a", "1"}}));
  ASSERT_EQ(out.port_mappings.size(), 2u);
  EXPECT_EQ(out.port_mappings[0], (PortMapping{0, 0, 80}));
  EXPECT_EQ(out.port_mappings[1], (PortMapping{0, 53, 0}));
  ASSERT_EQ(out.mounts.size(), 2u);
  EXPECT_EQ(out.mounts[0].source, "/a");
  EXPECT_EQ(out.mounts[0].destination, "/b");
  EXPECT_FALSE(out.mounts[0].read_write);  // missing RW reads as false, like the reference
  EXPECT_EQ(out.mounts[1], (ContainerMount{"", "", "", false, ""}));
  EXPECT_FALSE(out.healthcheck.has_value());
  ASSERT_TRUE(out.readiness_probe.has_value());
  EXPECT_EQ(out.readiness_probe->exe, "");
  EXPECT_EQ(out.readiness_probe->args, (std::vector<std::string>{"x"}));
}

TEST(ContainerJsonTest, UnknownTypeValuesBecomeUnknown) {
  ContainerInfo out;
  ASSERT_TRUE(ContainerFromJson(R"({"type":12})", &out, nullptr));
  EXPECT_EQ(out.type, ContainerType::kUnknown);
  ASSERT_TRUE(ContainerFromJson(R"({"type":65534})", &out, nullptr));
  EXPECT_EQ(out.type, ContainerType::kHost);
  ASSERT_TRUE(ContainerFromJson(R"({"type":-3})", &out, nullptr));
  EXPECT_EQ(out.type, ContainerType::kUnknown);
  ASSERT_TRUE(ContainerFromJson(R"({"type":8})", &out, nullptr));
  EXPECT_EQ(out.type, ContainerType::kCrio);
}

TEST(ContainerJsonTest, ImagePartsDerivation) {
  ContainerInfo out;
  ASSERT_TRUE(ContainerFromJson(R"({"image":"quay.io/org/app@sha256:feed"})", &out, nullptr));
  EXPECT_EQ(out.image_repo, "quay.io/org/app");
  EXPECT_EQ(out.image_tag, "");
  EXPECT_EQ(out.image_digest, "sha256:feed");

  // Only the empty parts are filled.
  ASSERT_TRUE(ContainerFromJson(R"({"image":"localhost:5000/app:v1","imagerepo":"mine"})", &out, nullptr));
  EXPECT_EQ(out.image_repo, "mine");
  EXPECT_EQ(out.image_tag, "v1");

  // An image id names no repository.
  ASSERT_TRUE(ContainerFromJson(R"({"image":"sha256:a1d3e7ba1e1d"})", &out, nullptr));
  EXPECT_EQ(out.image_repo, "");
  EXPECT_EQ(out.image_tag, "");
  ASSERT_TRUE(ContainerFromJson(
      R"({"image":"a1d3e7ba1e1d2e1f2e6ad1d6b57ebaf54ba2e3d6a6ec1b9bcd8c1f8bb1a6e8a3"})", &out, nullptr));
  EXPECT_EQ(out.image_repo, "");
}

TEST(ContainerJsonTest, FailsOnInvalidInputAndLeavesOutputAlone) {
  ContainerInfo out;
  out.id = "keep";
  std::string error;
  for (std::string_view bad : {"", "   ", "{", R"({"container":)", "nope", R"({"a":1,})"}) {
    error.clear();
    EXPECT_FALSE(ContainerFromJson(bad, &out, &error)) << bad;
    EXPECT_NE(error.find("invalid JSON at byte"), std::string::npos) << error;
  }
  for (std::string_view bad : {"[]", "null", "42", R"("str")"}) {
    EXPECT_FALSE(ContainerFromJson(bad, &out, &error)) << bad;
    EXPECT_NE(error.find("root"), std::string::npos) << error;
  }
  for (std::string_view bad : {R"({"container":null})", R"({"container":[]})", R"({"container":"x"})"}) {
    EXPECT_FALSE(ContainerFromJson(bad, &out, &error)) << bad;
    EXPECT_NE(error.find("'container'"), std::string::npos) << error;
  }
  EXPECT_FALSE(ContainerFromJson("{", &out, nullptr));  // a null error pointer is fine
  EXPECT_EQ(out.id, "keep");
}

// Found by fuzzing: numbers beyond a double parse to an out_of_range error,
// which used to escape as an exception (also on the non-UTF-8 retry).
TEST(ContainerJsonTest, NumbersBeyondDoubleAreAnErrorNotAnException) {
  ContainerInfo out;
  out.id = "keep";
  for (std::string_view bad : {R"({"container":{"id":"abc","memory_limit":1e400}})",
                               R"({"container":{"id":"abc","cpu_shares":-1e999}})",
                               "{\"container\":{\"name\":\"\xff\",\"memory_limit\":1e400}}"}) {
    std::string error;
    bool ok = true;
    EXPECT_NO_THROW(ok = ContainerFromJson(bad, &out, &error)) << bad;
    EXPECT_FALSE(ok) << bad;
    EXPECT_EQ(error.rfind("invalid JSON: number overflow", 0), 0u) << error;
  }
  EXPECT_EQ(out.id, "keep");
}

}  // namespace
}  // namespace libcontainer
