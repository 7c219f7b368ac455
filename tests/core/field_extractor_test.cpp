#include "core/field_extractor.h"

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace libcontainer {
namespace {

class MapLookup : public ContainerLookup {
 public:
  const ContainerInfo* Find(std::string_view short_id) const override {
    auto it = entries.find(std::string(short_id));
    return it == entries.end() ? nullptr : &it->second;
  }
  std::map<std::string, ContainerInfo> entries;
};

constexpr char kFullId[] = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
constexpr char kSandboxFullId[] = "5f3a9c1b2d4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

ContainerInfo DockerContainer() {
  ContainerInfo info;
  info.type = ContainerType::kDocker;
  info.full_id = kFullId;
  info.id = std::string(ShortId(info.full_id));
  info.name = "web";
  info.image = "docker.io/library/nginx:1.27";
  info.image_id = "sha256:abc";
  info.image_repo = "docker.io/library/nginx";
  info.image_tag = "1.27";
  info.image_digest = "sha256:d977";
  info.ip = "172.17.0.2";
  info.privileged = true;
  info.host_pid = true;
  info.host_network = false;
  info.host_ipc = true;
  info.labels = {{"com.example.team", "blue"},
                 {"flag", ""},
                 {"annotation.io.kubernetes.foo", "x"},
                 {"io.kubernetes.pod.name", "web-0"},
                 {"io.kubernetes.pod.namespace", "prod"},
                 {"io.kubernetes.pod.uid", "3e41dc6b-08a8-44db-bc2a-3724b18ab19a"},
                 {"maintainer", "ops"}};
  info.mounts = {
      {"/var/lib/docker/volumes/data/_data", "/data", "z", true, "rprivate"},
      {"/tmp/foo", "/host/tmp", "", false, "rslave"},
      {"/etc/hosts", "/etc/hosts", "ro", false, ""},
  };
  info.healthcheck = ProbeCommand{"curl", {"-f", "http://localhost/"}};
  return info;
}

struct Harness {
  ThreadFacts thread{.container_id = "3ad7b26ded6d",
                     .pidns_init_start_ts = 1'000,
                     .category = ProcessCategory::kNone,
                     .event_ts = 5'000};
  MapLookup lookup;
  std::string scratch;

  FieldValue Get(FieldId id, const ContainerInfo* info, std::string_view key = {}) {
    ExtractRequest request{.id = id, .arg_key = key, .arg_index = 0, .arg_present = !key.empty()};
    return ExtractField(request, thread, info, lookup, scratch);
  }
  FieldValue GetIndex(FieldId id, const ContainerInfo* info, uint64_t index) {
    ExtractRequest request{.id = id, .arg_key = {}, .arg_index = index, .arg_present = true};
    return ExtractField(request, thread, info, lookup, scratch);
  }
};

// Present string equal to `expected`, NUL-terminated in place as the plugin API needs.
::testing::AssertionResult IsStr(const FieldValue& value, std::string_view expected) {
  if (!value.present) return ::testing::AssertionFailure() << "NULL, expected '" << expected << "'";
  if (value.str != expected) {
    return ::testing::AssertionFailure() << "'" << value.str << "', expected '" << expected << "'";
  }
  if (value.str.data()[value.str.size()] != '\0')
    return ::testing::AssertionFailure() << "not NUL-terminated";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsU64(const FieldValue& value, uint64_t expected) {
  if (!value.present) return ::testing::AssertionFailure() << "NULL, expected " << expected;
  if (value.u64 != expected) return ::testing::AssertionFailure() << value.u64 << ", expected " << expected;
  return ::testing::AssertionSuccess();
}

TEST(FieldExtractorTest, IdentityAndImageFields) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerId, &info), "3ad7b26ded6d"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerFullId, &info), kFullId));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerName, &info), "web"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImage, &info), "docker.io/library/nginx:1.27"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImageId, &info), "sha256:abc"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerType, &info), "docker"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImageRepository, &info), "docker.io/library/nginx"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImageTag, &info), "1.27"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImageDigest, &info), "sha256:d977"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerIp, &info), "172.17.0.2"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerCniJson, &info), ""));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerPrivileged, &info), 1));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerHostPid, &info), 1));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerHostNetwork, &info), 0));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerHostIpc, &info), 1));
}

TEST(FieldExtractorTest, TypeIsNeverEmpty) {
  Harness h;
  ContainerInfo info = DockerContainer();
  for (auto [type, name] :
       std::vector<std::pair<ContainerType, std::string_view>>{{ContainerType::kStatic, "static"},
                                                               {ContainerType::kCustom, "custom"},
                                                               {ContainerType::kUnknown, "unknown"},
                                                               {ContainerType::kCrio, "cri-o"},
                                                               {ContainerType::kPodman, "podman"},
                                                               {ContainerType::kHost, "host"}}) {
    info.type = type;
    EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerType, &info), name));
  }
}

TEST(FieldExtractorTest, HostEntry) {
  Harness h;
  h.thread.container_id = "";
  ContainerInfo host;
  host.type = ContainerType::kHost;
  host.id = host.name = host.full_id = "host";
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerId, &host), "host"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerName, &host), "host"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerFullId, &host), "host"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerImage, &host), ""));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerType, &host), "host"));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerPrivileged, &host), 0));
  EXPECT_FALSE(h.Get(FieldId::kK8sPodName, &host).present);
  EXPECT_FALSE(h.Get(FieldId::kK8sPodIp, &host).present);
  EXPECT_FALSE(h.Get(FieldId::kContainerHealthcheck, &host).present);
  // No synthetic entry at all still says "host".
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerId, nullptr), "host"));
}

TEST(FieldExtractorTest, WithoutMetadataOnlyKernelFieldsHaveValues) {
  Harness h;
  h.thread.category = ProcessCategory::kLivenessProbe;
  // A container id that is not NUL-terminated where it lies must still come back terminated.
  std::string backing = "0123456789abXYZ";
  h.thread.container_id = std::string_view(backing).substr(0, 12);
  for (const FieldDef& def : FieldTable()) {
    FieldValue value = h.Get(def.id, nullptr, def.arg == FieldArg::kNone ? "" : "x");
    switch (def.id) {
      case FieldId::kContainerId:
        EXPECT_TRUE(IsStr(value, "0123456789ab"));
        break;
      case FieldId::kContainerStartTs:
        EXPECT_TRUE(IsU64(value, 1'000));
        break;
      case FieldId::kContainerDuration:
        EXPECT_TRUE(IsU64(value, 4'000));
        break;
      case FieldId::kProcIsContainerHealthcheck:
        EXPECT_TRUE(IsU64(value, 0));
        break;
      case FieldId::kProcIsContainerLivenessProbe:
        EXPECT_TRUE(IsU64(value, 1));
        break;
      case FieldId::kProcIsContainerReadinessProbe:
        EXPECT_TRUE(IsU64(value, 0));
        break;
      default:
        EXPECT_FALSE(value.present) << def.name;
    }
  }
}

TEST(FieldExtractorTest, ContainerIdPrefersMetadataThenThread) {
  Harness h;
  ContainerInfo info = DockerContainer();
  info.id = "aaaaaaaaaaaa";
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerId, &info), "aaaaaaaaaaaa"));
  info.id.clear();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerId, &info), "3ad7b26ded6d"));
}

TEST(FieldExtractorTest, StartTsAndDuration) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerStartTs, &info), 1'000));
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerDuration, &info), 4'000));
  h.thread.event_ts = 999;  // event older than the namespace init: no negative duration
  EXPECT_TRUE(IsU64(h.Get(FieldId::kContainerStartTs, &info), 1'000));
  EXPECT_FALSE(h.Get(FieldId::kContainerDuration, &info).present);
  h.thread.pidns_init_start_ts = 0;
  h.thread.event_ts = 5'000;
  EXPECT_FALSE(h.Get(FieldId::kContainerStartTs, &info).present);
  EXPECT_FALSE(h.Get(FieldId::kContainerDuration, &info).present);
}

TEST(FieldExtractorTest, Mounts) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMounts, &info),
                    "/var/lib/docker/volumes/data/_data:/data:z:true:rprivate,"
                    "/tmp/foo:/host/tmp::false:rslave,"
                    "/etc/hosts:/etc/hosts:ro:false:"));
  info.mounts.clear();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMounts, &info), ""));
  EXPECT_FALSE(h.GetIndex(FieldId::kContainerMount, &info, 0).present);
}

TEST(FieldExtractorTest, MountByIndex) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMount, &info, 1), "/tmp/foo:/host/tmp::false:rslave"));
  EXPECT_TRUE(
      IsStr(h.GetIndex(FieldId::kContainerMountSource, &info, 0), "/var/lib/docker/volumes/data/_data"));
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMountDest, &info, 0), "/data"));
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMountMode, &info, 2), "ro"));
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMountRdwr, &info, 0), "true"));
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMountRdwr, &info, 1), "false"));
  EXPECT_TRUE(IsStr(h.GetIndex(FieldId::kContainerMountPropagation, &info, 1), "rslave"));
  EXPECT_FALSE(h.GetIndex(FieldId::kContainerMount, &info, 3).present);
  EXPECT_FALSE(h.GetIndex(FieldId::kContainerMountDest, &info, UINT64_MAX).present);
  // Hosts that hand `[1]` over as a key string.
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "1"), "/host/tmp"));
  EXPECT_FALSE(h.Get(FieldId::kContainerMountDest, &info, "99999999999999999999999").present);
  // No argument at all.
  ExtractRequest bare{.id = FieldId::kContainerMount, .arg_key = {}};
  EXPECT_FALSE(ExtractField(bare, h.thread, &info, h.lookup, h.scratch).present);
}

TEST(FieldExtractorTest, MountByGlob) {
  Harness h;
  ContainerInfo info = DockerContainer();
  // Whole-path glob against the source.
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "/tmp/*"), "/host/tmp"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "/tmp/foo"), "/host/tmp"));
  EXPECT_FALSE(h.Get(FieldId::kContainerMountDest, &info, "tmp").present);
  EXPECT_FALSE(h.Get(FieldId::kContainerMountDest, &info, "/tmp").present);
  EXPECT_FALSE(h.Get(FieldId::kContainerMountDest, &info, "/").present);
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "*"), "/data"));  // first mount wins
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "*foo"), "/host/tmp"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountDest, &info, "/tmp/[fb]o?"), "/host/tmp"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountMode, &info, "/etc/*"), "ro"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountRdwr, &info, "/var/lib/*"), "true"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountPropagation, &info, "/var/*/_data"), "rprivate"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMount, &info, "/etc/hosts"), "/etc/hosts:/etc/hosts:ro:false:"));
  // container.mount.source matches the destination instead.
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerMountSource, &info, "/host/*"), "/tmp/foo"));
  EXPECT_TRUE(
      IsStr(h.Get(FieldId::kContainerMountSource, &info, "/data"), "/var/lib/docker/volumes/data/_data"));
  EXPECT_FALSE(h.Get(FieldId::kContainerMountSource, &info, "/tmp/*").present);
  EXPECT_FALSE(h.Get(FieldId::kContainerMount, &info, "/nowhere/*").present);
}

TEST(FieldExtractorTest, GlobMatchesLikeFnmatch) {
  const std::vector<std::string> patterns = {
      "*",
      "?",
      "/tmp/*",
      "tmp",
      "/tmp",
      "/tmp/foo",
      "*foo",
      "/*/foo",
      "/tmp/?oo",
      "/tmp/[fb]oo",
      "/tmp/[!f]oo",
      "/tmp/[^f]oo",
      "/tmp/[a-g]*",
      "[]]",
      "[!]]x",
      "a\\*b",
      "a*b*c",
      "**",
      "*/*/*",
      "/tmp/[",
      "x[a-]",
      "[z-a]",
      "\\[x",
      "*.log",
      "/var/log/*.lo?",
      "",
      "[\\]]",
      "a[\\-]b",
      "*a*a*a*a*b",
      // A range cut short by the pattern's end: fnmatch fails the position
      // unless the character matched the bracket before it (found by the
      // fuzz target glob_match; its input is in fuzz/corpus/glob_match).
      "[--T--\xff\xff-*--",
      "*[--T--\xff\xff-*--",
      "*[[a-",
      "x*[[-",
  };
  const std::vector<std::string> texts = {
      "",
      "/",
      "/tmp",
      "/tmp/foo",
      "/tmp/boo",
      "tmp",
      "/tmp/",
      "/var/tmp/foo",
      "]",
      "]x",
      "a*b",
      "axb",
      "abc",
      "aXbYc",
      "/tmp/[",
      "x-",
      "xa",
      "[x",
      "a.log",
      "/var/log/a.log",
      "/var/log/sub/a.log",
      "a-b",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "[--T--\xff\xff---",
      "!-!f\x92\x92"
      "c[--T--\xff\xff-*--[!\x92\x92\x92\x92#[---",
      "x[[a-",
      "x[a-",
      "xy[[-",
  };
  for (const std::string& pattern : patterns) {
    for (const std::string& text : texts) {
      const bool expected = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
      EXPECT_EQ(GlobMatch(pattern, text), expected) << "pattern '" << pattern << "' text '" << text << "'";
    }
  }
}

// Every pattern of up to five characters and every text of up to three, over
// an alphabet of the characters glob syntax cares about: GlobMatch and glibc's
// fnmatch agree on all of them (unterminated brackets, ranges ending in '-',
// escapes at the end included). Checked once beyond that, outside the suite:
// patterns of six and texts of five, no difference.
TEST(FieldExtractorTest, GlobMatchesFnmatchOnEveryShortPattern) {
  const std::string pattern_chars = "a-![]\\*?";
  const std::string text_chars = "ab-[]\\";
  auto all_strings = [](const std::string& alphabet, size_t max_len) {
    std::vector<std::string> out = {""};
    for (size_t begin = 0, len = 1; len <= max_len; ++len) {
      const size_t end = out.size();
      for (size_t i = begin; i < end; ++i) {
        for (char c : alphabet) out.push_back(out[i] + c);
      }
      begin = end;
    }
    return out;
  };
  const auto patterns = all_strings(pattern_chars, 5);
  const auto texts = all_strings(text_chars, 3);
  int mismatches = 0;
  for (const std::string& pattern : patterns) {
    for (const std::string& text : texts) {
      const bool expected = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
      if (GlobMatch(pattern, text) != expected && ++mismatches <= 20) {
        ADD_FAILURE() << "pattern '" << pattern << "' text '" << text << "': fnmatch says " << expected;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(FieldExtractorTest, Labels) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLabels, &info), "com.example.team:blue, flag, maintainer:ops"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLabel, &info, "com.example.team"), "blue"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLabel, &info, "flag"), ""));
  // Exact key, no filtering, long keys (beyond the small-string buffer) too.
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLabel, &info, "io.kubernetes.pod.namespace"), "prod"));
  EXPECT_FALSE(h.Get(FieldId::kContainerLabel, &info, "com.example").present);
  EXPECT_FALSE(h.Get(FieldId::kContainerLabel, &info, "missing").present);
  info.labels = {};
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLabels, &info), ""));
}

TEST(FieldExtractorTest, HealthAndProbeCommands) {
  Harness h;
  ContainerInfo info = DockerContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerHealthcheck, &info), "curl -f http://localhost/"));
  EXPECT_FALSE(h.Get(FieldId::kContainerLivenessProbe, &info).present);
  EXPECT_FALSE(h.Get(FieldId::kContainerReadinessProbe, &info).present);
  info.liveness_probe = ProbeCommand{"/bin/sh", {"-c", "test -f /tmp/alive"}};
  info.readiness_probe = ProbeCommand{"/ready", {}};
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerLivenessProbe, &info), "/bin/sh -c test -f /tmp/alive"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerReadinessProbe, &info), "/ready"));
}

TEST(FieldExtractorTest, ProcessCategoryFlags) {
  Harness h;
  ContainerInfo info = DockerContainer();
  const std::vector<std::tuple<ProcessCategory, int, int, int>> cases = {
      {ProcessCategory::kNone, 0, 0, 0},           {ProcessCategory::kContainer, 0, 0, 0},
      {ProcessCategory::kHealthcheck, 1, 0, 0},    {ProcessCategory::kLivenessProbe, 0, 1, 0},
      {ProcessCategory::kReadinessProbe, 0, 0, 1},
  };
  for (auto [category, health, liveness, readiness] : cases) {
    h.thread.category = category;
    EXPECT_TRUE(IsU64(h.Get(FieldId::kProcIsContainerHealthcheck, &info), health));
    EXPECT_TRUE(IsU64(h.Get(FieldId::kProcIsContainerLivenessProbe, &info), liveness));
    EXPECT_TRUE(IsU64(h.Get(FieldId::kProcIsContainerReadinessProbe, &info), readiness));
  }
}

ContainerInfo PodContainer() {
  ContainerInfo info = DockerContainer();
  info.type = ContainerType::kContainerd;
  info.pod_sandbox_id = kSandboxFullId;
  info.ip = "";
  info.pod_sandbox_labels = {{"app", "web"}, {"io.kubernetes.pod.name", "web-0"}};
  return info;
}

ContainerInfo SandboxEntry() {
  ContainerInfo sandbox;
  sandbox.type = ContainerType::kContainerd;
  sandbox.full_id = kSandboxFullId;
  sandbox.id = std::string(ShortId(sandbox.full_id));
  sandbox.is_pod_sandbox = true;
  sandbox.ip = "10.0.0.7";
  sandbox.cni_json = R"({"eth0":{"IPConfigs":[{"IP":"10.0.0.7"}]}})";
  sandbox.pod_sandbox_labels = {{"app", "web-sandbox"}, {"tier", "front"}};
  return sandbox;
}

TEST(FieldExtractorTest, K8sFromLabels) {
  Harness h;
  ContainerInfo info = PodContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodName, &info), "web-0"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sNsName, &info), "prod"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodUid, &info), "3e41dc6b-08a8-44db-bc2a-3724b18ab19a"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodId, &info), "3e41dc6b-08a8-44db-bc2a-3724b18ab19a"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodSandboxId, &info), "5f3a9c1b2d4e"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodFullSandboxId, &info), kSandboxFullId));

  ContainerInfo plain = DockerContainer();
  plain.labels = {};
  EXPECT_FALSE(h.Get(FieldId::kK8sPodName, &plain).present);
  EXPECT_FALSE(h.Get(FieldId::kK8sNsName, &plain).present);
  EXPECT_FALSE(h.Get(FieldId::kK8sPodUid, &plain).present);
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodSandboxId, &plain), ""));
  EXPECT_FALSE(h.Get(FieldId::kK8sPodIp, &plain).present) << "not in a pod";
  EXPECT_FALSE(h.Get(FieldId::kK8sPodCniJson, &plain).present) << "not in a pod";
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &plain), ""));
}

TEST(FieldExtractorTest, K8sPodDataFromSandboxEntry) {
  Harness h;
  h.lookup.entries.emplace("5f3a9c1b2d4e", SandboxEntry());
  ContainerInfo info = PodContainer();
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodIp, &info), "10.0.0.7"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodCniJson, &info), R"({"eth0":{"IPConfigs":[{"IP":"10.0.0.7"}]}})"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &info), "app:web-sandbox, tier:front"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "app"), "web-sandbox"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "tier"), "front"));
  // A key only the container carries still resolves.
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "io.kubernetes.pod.name"), "web-0"));
  EXPECT_FALSE(h.Get(FieldId::kK8sPodLabel, &info, "missing").present);
  // The container's own cni_json means its pod data is complete: no sandbox lookup.
  info.cni_json = R"({"own":true})";
  info.ip = "10.0.0.9";
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodIp, &info), "10.0.0.9"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodCniJson, &info), R"({"own":true})"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &info), "app:web"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "app"), "web"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kContainerCniJson, &info), R"({"own":true})"));
}

TEST(FieldExtractorTest, K8sFallsBackToOwnValuesWithoutSandboxEntry) {
  Harness h;
  ContainerInfo info = PodContainer();
  info.ip = "10.0.0.8";
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodIp, &info), "10.0.0.8"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodCniJson, &info), ""));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &info), "app:web"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "app"), "web"));

  // A sandbox entry without labels or ip (e.g. not yet inspected) does not hide ours.
  ContainerInfo bare_sandbox;
  bare_sandbox.id = "5f3a9c1b2d4e";
  h.lookup.entries.emplace("5f3a9c1b2d4e", bare_sandbox);
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodIp, &info), "10.0.0.8"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &info), "app:web"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabel, &info, "app"), "web"));
}

TEST(FieldExtractorTest, SandboxContainerItself) {
  Harness h;
  ContainerInfo sandbox = SandboxEntry();
  h.lookup.entries.emplace(sandbox.id, sandbox);
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodIp, &sandbox), "10.0.0.7"));
  EXPECT_TRUE(IsStr(h.Get(FieldId::kK8sPodLabels, &sandbox), "app:web-sandbox, tier:front"));
}

TEST(FieldExtractorTest, DeprecatedK8sFieldsAreNull) {
  Harness h;
  ContainerInfo info = PodContainer();
  h.lookup.entries.emplace("5f3a9c1b2d4e", SandboxEntry());
  size_t checked = 0;
  for (const FieldDef& def : FieldTable()) {
    if (!def.deprecated) continue;
    EXPECT_FALSE(h.Get(def.id, &info, def.arg == FieldArg::kNone ? "" : "app").present) << def.name;
    ++checked;
  }
  EXPECT_EQ(checked, 19u);
}

TEST(FieldExtractorTest, EveryPresentStringIsNulTerminated) {
  Harness h;
  ContainerInfo info = PodContainer();
  info.liveness_probe = ProbeCommand{"/bin/true", {}};
  h.lookup.entries.emplace("5f3a9c1b2d4e", SandboxEntry());
  for (const FieldDef& def : FieldTable()) {
    std::string_view key = def.arg == FieldArg::kKeyRequired          ? "app"
                           : def.arg == FieldArg::kIndexOrKeyRequired ? "*"
                                                                      : "";
    FieldValue value = h.Get(def.id, &info, key);
    if (value.present && def.type == FieldType::kString) {
      EXPECT_EQ(value.str.data()[value.str.size()], '\0') << def.name;
    }
  }
}

TEST(FieldExtractorTest, ScratchIsReusedInSteadyState) {
  Harness h;
  ContainerInfo info = PodContainer();
  h.scratch.reserve(4096);
  const char* buffer = h.scratch.data();
  for (int round = 0; round < 3; ++round) {
    h.Get(FieldId::kContainerMounts, &info);
    h.Get(FieldId::kContainerLabels, &info);
    h.Get(FieldId::kContainerLabel, &info, "io.kubernetes.pod.namespace");
    h.Get(FieldId::kK8sPodSandboxId, &info);
    h.Get(FieldId::kContainerHealthcheck, &info);
    h.Get(FieldId::kContainerMount, &info, "/tmp/*");
  }
  EXPECT_EQ(h.scratch.data(), buffer);
}

// ---- ClassifyProcess ----

ProcessFacts Facts(int64_t vpid, ProcessCategory parent, std::string_view exe,
                   const std::vector<std::string>* args, bool init_ancestor) {
  return ProcessFacts{.vpid = vpid,
                      .parent_category = parent,
                      .exe = exe,
                      .args = args,
                      .has_container_init_ancestor = init_ancestor};
}

TEST(ClassifyProcessTest, ContainerInitAndInheritance) {
  ContainerInfo info = DockerContainer();
  std::vector<std::string> args = {"-g", "daemon off;"};
  EXPECT_EQ(ClassifyProcess(Facts(1, ProcessCategory::kNone, "nginx", &args, false), &info),
            ProcessCategory::kContainer);
  EXPECT_EQ(ClassifyProcess(Facts(7, ProcessCategory::kContainer, "nginx", &args, true), &info),
            ProcessCategory::kContainer);
  // Parent not tagged yet (e.g. threads found by the /proc scan), but the init is an ancestor.
  EXPECT_EQ(ClassifyProcess(Facts(7, ProcessCategory::kNone, "nginx", &args, true), &info),
            ProcessCategory::kContainer);
  // `docker exec sh`: exec'd from outside, not a probe.
  EXPECT_EQ(ClassifyProcess(Facts(9, ProcessCategory::kNone, "sh", nullptr, false), &info),
            ProcessCategory::kNone);
}

TEST(ClassifyProcessTest, HealthcheckFromOutsideVersusDescendantOfInit) {
  ContainerInfo info = DockerContainer();
  std::vector<std::string> args = {"-f", "http://localhost/"};
  // runc exec runs the health check: parent is runc (host side), no container init above it.
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kNone, "curl", &args, false), &info),
            ProcessCategory::kHealthcheck);
  // The very same command line started by the container's own processes is not a probe.
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kNone, "curl", &args, true), &info),
            ProcessCategory::kContainer);
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kContainer, "curl", &args, true), &info),
            ProcessCategory::kContainer);
  // Children of the health check inherit its category.
  std::vector<std::string> child_args = {"x"};
  EXPECT_EQ(ClassifyProcess(Facts(43, ProcessCategory::kHealthcheck, "cat", &child_args, false), &info),
            ProcessCategory::kHealthcheck);
  // A probe that execs its next command stays a probe.
  ProcessFacts reexec = Facts(42, ProcessCategory::kNone, "wget", &child_args, false);
  reexec.own_category = ProcessCategory::kHealthcheck;
  EXPECT_EQ(ClassifyProcess(reexec, &info), ProcessCategory::kHealthcheck);
  // Command line must match exactly.
  std::vector<std::string> other_args = {"-f", "http://localhost/other"};
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kNone, "curl", &other_args, false), &info),
            ProcessCategory::kNone);
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kNone, "curl", nullptr, false), &info),
            ProcessCategory::kNone);
  EXPECT_EQ(ClassifyProcess(Facts(42, ProcessCategory::kNone, "/usr/bin/curl", &args, false), &info),
            ProcessCategory::kNone);
}

TEST(ClassifyProcessTest, KubernetesProbes) {
  ContainerInfo info = DockerContainer();
  info.healthcheck.reset();
  info.liveness_probe = ProbeCommand{"/bin/sh", {"-c", "test -f /tmp/alive"}};
  info.readiness_probe = ProbeCommand{"/ready", {}};
  std::vector<std::string> liveness_args = {"-c", "test -f /tmp/alive"};
  std::vector<std::string> no_args;
  EXPECT_EQ(ClassifyProcess(Facts(50, ProcessCategory::kNone, "/bin/sh", &liveness_args, false), &info),
            ProcessCategory::kLivenessProbe);
  EXPECT_EQ(ClassifyProcess(Facts(51, ProcessCategory::kNone, "/ready", &no_args, false), &info),
            ProcessCategory::kReadinessProbe);
  EXPECT_EQ(ClassifyProcess(Facts(51, ProcessCategory::kNone, "/ready", nullptr, false), &info),
            ProcessCategory::kReadinessProbe);
  EXPECT_EQ(ClassifyProcess(Facts(52, ProcessCategory::kLivenessProbe, "test", &no_args, false), &info),
            ProcessCategory::kLivenessProbe);
}

TEST(ClassifyProcessTest, UnknownMetadataAndHost) {
  std::vector<std::string> args = {"-f", "http://localhost/"};
  EXPECT_EQ(ClassifyProcess(Facts(1, ProcessCategory::kNone, "nginx", nullptr, false), nullptr),
            ProcessCategory::kContainer);
  EXPECT_EQ(ClassifyProcess(Facts(5, ProcessCategory::kContainer, "curl", &args, false), nullptr),
            ProcessCategory::kContainer);
  EXPECT_EQ(ClassifyProcess(Facts(5, ProcessCategory::kNone, "curl", &args, false), nullptr),
            ProcessCategory::kNone);
  ContainerInfo host;
  host.type = ContainerType::kHost;
  host.id = "host";
  EXPECT_EQ(ClassifyProcess(Facts(1, ProcessCategory::kNone, "systemd", nullptr, false), &host),
            ProcessCategory::kNone);
}

}  // namespace
}  // namespace libcontainer
