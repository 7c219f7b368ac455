#include "engines/containerd/containerd_decoder.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "engines/common/oci_spec.h"
#include "engines/proto_entries.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSample;
using engine_testing::SetEntry;

using nlohmann::json;
namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;

constexpr char kSpecTypeUrl[] = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

// `ctr containers info` prints the Go struct (ID, Labels, Spec as an object);
// rebuild the gRPC message the containers service returns for it.
containers_v1::Container FromCtrInfo(const json& doc) {
  containers_v1::Container c;
  c.set_id(doc.at("ID").get<std::string>());
  c.set_image(doc.at("Image").get<std::string>());
  for (const auto& [k, v] : doc.at("Labels").items()) SetEntry(c.mutable_labels(), k, v.get<std::string>());
  c.mutable_runtime()->set_name(doc.at("Runtime").at("Name").get<std::string>());
  c.set_snapshotter(doc.at("Snapshotter").get<std::string>());
  c.set_snapshot_key(doc.at("SnapshotKey").get<std::string>());
  EXPECT_TRUE(google::protobuf::util::TimeUtil::FromString(doc.at("CreatedAt").get<std::string>(),
                                                           c.mutable_created_at()));
  c.mutable_spec()->set_type_url(kSpecTypeUrl);
  c.mutable_spec()->set_value(doc.at("Spec").dump());
  return c;
}

json CriRuntimeSpec(const std::string& sample) {
  json response = json::parse(ReadSample(sample));
  return json::parse(response.at("info").at("info").get<std::string>()).at("runtimeSpec");
}

TEST(ContainerdDecoder, CtrSample) {
  containers_v1::Container c = FromCtrInfo(json::parse(ReadSample("containerd-ctr-container-info.json")));
  std::string error;
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->type, ContainerType::kContainerd);
  EXPECT_EQ(info->id, "probe-run");
  EXPECT_EQ(info->full_id, "probe-run");
  EXPECT_EQ(info->name, "probe-run");
  EXPECT_EQ(info->image, "localhost/local/busybox:test");
  EXPECT_EQ(info->image_repo, "localhost/local/busybox");
  EXPECT_EQ(info->image_tag, "test");
  EXPECT_EQ(info->image_digest, "");
  EXPECT_EQ(info->labels.size(), 2u);
  EXPECT_EQ(info->labels.at("probe"), "1");
  EXPECT_EQ(info->user, "0");
  ASSERT_EQ(info->env.size(), 1u);
  EXPECT_TRUE(info->env[0].starts_with("PATH="));
  ASSERT_EQ(info->mounts.size(), 7u);
  EXPECT_EQ(info->mounts[0].destination, "/proc");
  EXPECT_TRUE(info->mounts[0].read_write);
  EXPECT_EQ(info->mounts[1].mode, "755");
  EXPECT_EQ(info->mounts[5].destination, "/sys");
  EXPECT_FALSE(info->mounts[5].read_write);
  EXPECT_FALSE(info->privileged);  // masked paths, ro sysfs
  EXPECT_FALSE(info->host_pid);
  EXPECT_FALSE(info->host_network);
  EXPECT_FALSE(info->host_ipc);
  EXPECT_EQ(info->cpu_shares, 1024);
  EXPECT_EQ(info->cpu_period, 100000);
  EXPECT_EQ(info->created_time, 1795460991);  // 2026-11-23T19:09:51Z
  EXPECT_FALSE(info->is_pod_sandbox);
  EXPECT_EQ(info->pod_sandbox_id, "");
  EXPECT_EQ(info->size, -1);
}

TEST(ContainerdDecoder, MissingSpecIsNotHost) {
  containers_v1::Container c;
  c.set_id("c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094");
  c.set_image("docker.io/library/busybox:1.36");
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->id, "c8117a6ad48c");
  EXPECT_EQ(info->name, c.id());
  EXPECT_FALSE(info->host_pid);
  EXPECT_FALSE(info->host_network);
  EXPECT_FALSE(info->host_ipc);
  EXPECT_FALSE(info->privileged);
  EXPECT_TRUE(info->mounts.empty());
}

TEST(ContainerdDecoder, MalformedSpecDoesNotThrow) {
  for (const std::string& bad :
       std::vector<std::string>{"{", "[]", "null", "\"x\"", "{\"linux\": 5, \"process\": [], \"mounts\": {}}",
                                std::string(100000, '[')}) {
    containers_v1::Container c;
    c.set_id("abc");
    c.mutable_spec()->set_value(bad);
    std::optional<ContainerInfo> info;
    EXPECT_NO_THROW(info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr)) << bad.substr(0, 40);
    ASSERT_TRUE(info);
    EXPECT_FALSE(info->host_network);
    EXPECT_FALSE(info->privileged);
  }
}

TEST(ContainerdDecoder, EmptyIdIsAnError) {
  containers_v1::Container c;
  std::string error;
  EXPECT_FALSE(DecodeContainerdContainer(c, DecodeOptions{}, &error));
  EXPECT_FALSE(error.empty());
}

TEST(ContainerdDecoder, HostNamespacesAndPrivileged) {
  json spec = {{"process", {{"user", {{"uid", 1000}}}}},
               {"mounts", json::array({{{"destination", "/sys"}, {"type", "sysfs"}, {"options", {"nosuid"}}},
                                       {{"destination", "/data"},
                                        {"type", "bind"},
                                        {"source", "/srv/data"},
                                        {"options", {"rbind", "rshared", "ro"}}},
                                       {{"destination", "/etc/hosts"}, {"type", "bind"}, {"source", "/h"}}})},
               {"linux",
                {{"rootfsPropagation", "rslave"},
                 {"namespaces", json::array({{{"type", "mount"}}, {{"type", "uts"}}, {{"type", "ipc"}}})},
                 {"resources",
                  {{"cpu", {{"quota", 50000}, {"period", 100000}, {"cpus", "0-3"}}},
                   {"memory", {{"limit", 268435456}, {"swap", 536870912}}}}}}}};
  containers_v1::Container c;
  c.set_id("priv");
  c.mutable_spec()->set_value(spec.dump());
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->privileged);
  EXPECT_TRUE(info->host_pid);
  EXPECT_TRUE(info->host_network);
  EXPECT_FALSE(info->host_ipc);
  EXPECT_EQ(info->user, "1000");
  EXPECT_EQ(info->cpu_quota, 50000);
  EXPECT_EQ(info->cpuset_cpu_count, 4);
  EXPECT_EQ(info->memory_limit, 268435456);
  EXPECT_EQ(info->swap_limit, 536870912);
  ASSERT_EQ(info->mounts.size(), 3u);
  EXPECT_EQ(info->mounts[1].propagation, "rshared");  // its own option wins
  EXPECT_FALSE(info->mounts[1].read_write);
  EXPECT_EQ(info->mounts[2].propagation, "rslave");  // rootfs default
}

TEST(ContainerdDecoder, PrivilegedHeuristicNegatives) {
  json base = {{"linux", json::object()}};
  EXPECT_TRUE(oci_spec::LooksPrivileged(base));
  json s = base;
  s["linux"]["maskedPaths"] = {"/proc/kcore"};
  EXPECT_FALSE(oci_spec::LooksPrivileged(s));
  s = base;
  s["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ERRNO"}};
  EXPECT_FALSE(oci_spec::LooksPrivileged(s));
  s = base;
  s["process"] = {{"apparmorProfile", "cri-containerd.apparmor.d"}};
  EXPECT_FALSE(oci_spec::LooksPrivileged(s));
  s["process"] = {{"apparmorProfile", "unconfined"}};
  EXPECT_TRUE(oci_spec::LooksPrivileged(s));
  s["process"] = {{"selinuxLabel", "system_u:system_r:container_t:s0"}};
  EXPECT_FALSE(oci_spec::LooksPrivileged(s));
  s = base;
  s["mounts"] = {{{"type", "cgroup"}, {"options", {"ro"}}}};
  EXPECT_FALSE(oci_spec::LooksPrivileged(s));
  EXPECT_FALSE(oci_spec::LooksPrivileged(json()));
  EXPECT_FALSE(oci_spec::LooksPrivileged(json::object()));  // no linux section
}

TEST(ContainerdDecoder, LabelsLongerThanTheLimitAreDropped) {
  containers_v1::Container c;
  c.set_id("abc");
  SetEntry(c.mutable_labels(), "short", "ok");
  SetEntry(c.mutable_labels(), "long", std::string(101, 'x'));
  SetEntry(c.mutable_labels(), "edge", std::string(100, 'y'));
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->labels.count("short"), 1u);
  EXPECT_EQ(info->labels.count("edge"), 1u);
  EXPECT_EQ(info->labels.count("long"), 0u);
  DecodeOptions tight;
  tight.label_max_len = 1;
  info = DecodeContainerdContainer(c, tight, nullptr);
  EXPECT_TRUE(info->labels.empty());
}

TEST(ContainerdDecoder, RegistryWithPortAndDigest) {
  containers_v1::Container c;
  c.set_id("abc");
  c.set_image("registry.local:5000/team/app");
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info->image_tag, "");
  c.set_image("registry.local:5000/team/app:1.2@sha256:0123abcd");
  info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  EXPECT_EQ(info->image_repo, "registry.local:5000/team/app");
  EXPECT_EQ(info->image_tag, "1.2");
  EXPECT_EQ(info->image_digest, "sha256:0123abcd");
}

TEST(ContainerdDecoder, CriCreatedContainer) {
  containers_v1::Container c;
  c.set_id("c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094");
  c.set_image("localhost/local/busybox:test");
  SetEntry(c.mutable_labels(), "io.cri-containerd.kind", "container");
  c.mutable_spec()->set_value(CriRuntimeSpec("containerd-cri-container-status-verbose.json").dump());
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "probe-ctr");  // spec annotation
  EXPECT_EQ(info->pod_sandbox_id, "65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c");
  EXPECT_FALSE(info->is_pod_sandbox);
  EXPECT_FALSE(info->host_network);  // joins the sandbox netns by path
  EXPECT_FALSE(info->privileged);    // ro cgroup mount
  EXPECT_EQ(info->env.size(), 2u);

  SetEntry(c.mutable_labels(), "io.kubernetes.container.name", "from-label");
  EXPECT_EQ(DecodeContainerdContainer(c, DecodeOptions{}, nullptr)->name, "from-label");
}

TEST(ContainerdDecoder, CriSandboxContainer) {
  containers_v1::Container c;
  c.set_id("65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c");
  c.set_image("localhost/podman-pause:4.3.1-0");
  SetEntry(c.mutable_labels(), "io.cri-containerd.kind", "sandbox");
  c.mutable_spec()->set_value(CriRuntimeSpec("containerd-cri-pod-status-verbose.json").dump());
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->is_pod_sandbox);
  EXPECT_EQ(info->name, "probe-pod");
  EXPECT_EQ(info->pod_sandbox_id, c.id());
  EXPECT_TRUE(info->host_network);  // NODE network: no network namespace
  EXPECT_FALSE(info->host_pid);
  EXPECT_FALSE(info->host_ipc);
  EXPECT_EQ(info->image_tag, "4.3.1-0");
}

TEST(ContainerdDecoder, CriContainerNamesItsPodFromAnnotations) {
  // containerd's native record of a CRI container already carries the pod (the CRI engine's poll is
  // seconds later): the io.kubernetes.cri.sandbox-* annotations become kubelet's pod labels.
  containers_v1::Container c;
  c.set_id("c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094");
  SetEntry(c.mutable_labels(), "io.cri-containerd.kind", "container");
  c.mutable_spec()->set_value(CriRuntimeSpec("containerd-cri-container-status-verbose.json").dump());
  auto info = DecodeContainerdContainer(c, DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.name"), "probe-pod");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.namespace"), "probe-ns");
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.uid"), "probe-pod-uid-1");
  EXPECT_EQ(info->labels.count("probe"), 0u);  // CRI config labels: only in the CRI record
  EXPECT_EQ(info->name, "probe-ctr");

  // Labels kubelet set win over the annotations.
  SetEntry(c.mutable_labels(), "io.kubernetes.pod.name", "kubelet-pod");
  EXPECT_EQ(DecodeContainerdContainer(c, DecodeOptions{}, nullptr)->labels.at("io.kubernetes.pod.name"),
            "kubelet-pod");

  // The sandbox names its own pod the same way.
  containers_v1::Container sandbox;
  sandbox.set_id("65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c");
  sandbox.mutable_spec()->set_value(CriRuntimeSpec("containerd-cri-pod-status-verbose.json").dump());
  auto pod = DecodeContainerdContainer(sandbox, DecodeOptions{}, nullptr);
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->labels.at("io.kubernetes.pod.uid"), "probe-pod-uid-1");
  EXPECT_EQ(pod->name, "probe-pod");

  // A plain containerd container has no pod.
  containers_v1::Container plain;
  plain.set_id("plain");
  EXPECT_EQ(
      DecodeContainerdContainer(plain, DecodeOptions{}, nullptr)->labels.count("io.kubernetes.pod.name"), 0u);
}

// --- events

template <typename Message>
events_v1::Envelope Wrap(const std::string& ns, const std::string& topic, const std::string& payload_json,
                         const char* type_name) {
  Message m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // rootfs, io, ...: not declared
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                  engine_testing::AsOurProtoJson<Message>(payload_json), &m, options)
                  .ok())
      << payload_json;
  events_v1::Envelope e;
  e.set_namespace_(ns);
  e.set_topic(topic);
  e.mutable_event()->set_type_url(type_name);  // bare name, as containerd sends it
  e.mutable_event()->set_value(m.SerializeAsString());
  return e;
}

std::optional<events_v1::Envelope> EnvelopeFromCtrLine(const std::string& line) {
  // "<date> <time> +0000 UTC <namespace> <topic> <json>"
  std::istringstream in(line);
  std::string date, time, offset, utc, ns, topic;
  in >> date >> time >> offset >> utc >> ns >> topic;
  std::string payload;
  std::getline(in, payload);
  if (topic == "/containers/create") {
    // runtime.options is an Any printed by Go as {"type_url": ...}, which the
    // proto JSON parser (expecting "@type") refuses; it is not read anyway.
    json doc = json::parse(payload);
    doc.erase("runtime");
    return Wrap<::containerd::events::ContainerCreate>(ns, topic, doc.dump(),
                                                       "containerd.events.ContainerCreate");
  }
  if (topic == "/containers/delete") {
    return Wrap<::containerd::events::ContainerDelete>(ns, topic, payload,
                                                       "containerd.events.ContainerDelete");
  }
  if (topic == "/tasks/create") {
    return Wrap<::containerd::events::TaskCreate>(ns, topic, payload, "containerd.events.TaskCreate");
  }
  if (topic == "/tasks/start") {
    return Wrap<::containerd::events::TaskStart>(ns, topic, payload, "containerd.events.TaskStart");
  }
  if (topic == "/tasks/exit") {
    return Wrap<::containerd::events::TaskExit>(ns, topic, payload, "containerd.events.TaskExit");
  }
  if (topic == "/tasks/delete") {
    return Wrap<::containerd::events::TaskDelete>(ns, topic, payload, "containerd.events.TaskDelete");
  }
  events_v1::Envelope e;  // /snapshot/*: payload irrelevant
  e.set_namespace_(ns);
  e.set_topic(topic);
  return e;
}

TEST(ContainerdEvents, CtrEventsSample) {
  std::istringstream lines(ReadSample("containerd-ctr-events.txt"));
  std::string line;
  std::map<EngineEvent::Kind, int> kinds;
  int decoded = 0, skipped = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto envelope = EnvelopeFromCtrLine(line);
    ASSERT_TRUE(envelope);
    auto event = DecodeContainerdEnvelope(*envelope);
    if (!event) {
      EXPECT_TRUE(envelope->topic().starts_with("/snapshot/")) << line;
      ++skipped;
      continue;
    }
    ++decoded;
    ++kinds[event->kind];
    EXPECT_EQ(event->ns, "k8s.io");
    EXPECT_EQ(event->id.size(), 64u);
    if (event->kind == EngineEvent::Kind::kStart || event->kind == EngineEvent::Kind::kDie) {
      EXPECT_GT(event->pid, 0u);
    }
  }
  EXPECT_EQ(skipped, 8);
  EXPECT_EQ(decoded, 24);
  EXPECT_EQ(kinds[EngineEvent::Kind::kCreate], 4);
  EXPECT_EQ(kinds[EngineEvent::Kind::kStart], 4);
  EXPECT_EQ(kinds[EngineEvent::Kind::kDie], 4);
  EXPECT_EQ(kinds[EngineEvent::Kind::kRemove], 4);
  EXPECT_EQ(kinds[EngineEvent::Kind::kOther], 8);  // task create + task delete
}

TEST(ContainerdEvents, FirstStartCarriesIdPidAndTime) {
  auto e = Wrap<::containerd::events::TaskStart>(
      "default", "/tasks/start", R"({"container_id":"probe-run","pid":4242})", "containerd.events.TaskStart");
  ASSERT_TRUE(
      google::protobuf::util::TimeUtil::FromString("2026-11-23T19:10:50.776834786Z", e.mutable_timestamp()));
  auto event = DecodeContainerdEnvelope(e);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, EngineEvent::Kind::kStart);
  EXPECT_EQ(event->id, "probe-run");
  EXPECT_EQ(event->ns, "default");
  EXPECT_EQ(event->topic, "/tasks/start");
  EXPECT_EQ(event->pid, 4242u);
  EXPECT_EQ(event->time_nano, 1795461050776834786);
}

// Found by fuzzing: the guard used to check the seconds only, so a nanos
// field beyond one second overflowed int64 (undefined behaviour).
TEST(ContainerdEvents, TimestampsBeyondInt64NanosecondsAreUnknown) {
  const std::pair<int64_t, int32_t> absurd[] = {{9223372035, 2000000000},
                                                {-9223372035, -2000000000},
                                                {std::numeric_limits<int64_t>::max(), 0},
                                                {std::numeric_limits<int64_t>::min(), 0}};
  for (const auto& [seconds, nanos] : absurd) {
    auto e = Wrap<::containerd::events::TaskStart>(
        "default", "/tasks/start", R"({"container_id":"c1","pid":1})", "containerd.events.TaskStart");
    e.mutable_timestamp()->set_seconds(seconds);
    e.mutable_timestamp()->set_nanos(nanos);
    auto event = DecodeContainerdEnvelope(e);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->time_nano, 0) << seconds << "s " << nanos << "ns";
  }
  // The largest time that fits is kept.
  auto e = Wrap<::containerd::events::TaskStart>(
      "default", "/tasks/start", R"({"container_id":"c1","pid":1})", "containerd.events.TaskStart");
  e.mutable_timestamp()->set_seconds(9223372036);
  e.mutable_timestamp()->set_nanos(854775807);
  EXPECT_EQ(DecodeContainerdEnvelope(e)->time_nano, std::numeric_limits<int64_t>::max());
}

TEST(ContainerdEvents, ExecExitIsNotContainerDeath) {
  auto e = Wrap<::containerd::events::TaskExit>("default", "/tasks/exit",
                                                R"({"container_id":"probe-run","id":"exec-1","pid":7})",
                                                "containerd.events.TaskExit");
  auto event = DecodeContainerdEnvelope(e);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, EngineEvent::Kind::kOther);
}

TEST(ContainerdEvents, OtherTaskTopicsGiveTheContainerId) {
  ::containerd::events::ContainerDelete oom;  // same layout as TaskOOM
  oom.set_id("probe-run");
  events_v1::Envelope e;
  e.set_topic("/tasks/oom");
  e.mutable_event()->set_value(oom.SerializeAsString());
  auto event = DecodeContainerdEnvelope(e);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, EngineEvent::Kind::kOther);
  EXPECT_EQ(event->id, "probe-run");
}

TEST(ContainerdEvents, RejectsGarbageUnknownTopicsAndEmptyIds) {
  events_v1::Envelope e;
  e.set_topic("/containers/create");
  e.mutable_event()->set_value("\xff\xff\xff\xff");
  EXPECT_FALSE(DecodeContainerdEnvelope(e));
  e.mutable_event()->set_value("");  // parses, but no id
  EXPECT_FALSE(DecodeContainerdEnvelope(e));
  e.set_topic("/images/update");
  EXPECT_FALSE(DecodeContainerdEnvelope(e));
  e.set_topic("/namespaces/create");
  EXPECT_FALSE(DecodeContainerdEnvelope(e));
}

}  // namespace
}  // namespace libcontainer
