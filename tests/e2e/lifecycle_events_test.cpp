// Live-mode behaviour: async events the plugin emits, container removal,
// capture open over pre-existing threads, dump and replay.
#include <gtest/gtest.h>

#include "e2e/test_support.h"

namespace {

using namespace e2e;
namespace ev = testhost::events;

std::vector<testhost::events::DecodedAsync> Decode(const std::vector<std::vector<uint8_t>>& events) {
  std::vector<testhost::events::DecodedAsync> out;
  for (const auto& e : events) {
    auto decoded = ev::DecodeAsyncEvent(e);
    EXPECT_TRUE(decoded.has_value());
    if (decoded) out.push_back(*decoded);
  }
  return out;
}

uint64_t MetricValue(testhost::PluginHost& host, const std::string& name) {
  for (const auto& m : host.Metrics()) {
    if (m.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return 0;
}

TEST(LifecycleEvents, ContainerInitExitEmitsRemovalAndCacheShrinks) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(host->Parse(ev::AsyncEvent("container", DockerPayload() + std::string(1, '\0'))),
            SS_PLUGIN_SUCCESS);
  EXPECT_EQ(MetricValue(*host, "n_containers"), 1u);
  EXPECT_EQ(host->ContainersTableSize(), 2u);

  // A non-init thread exiting removes nothing.
  auto worker = DockerThread(101, 2);
  worker.ptid = 100;
  host->AddThread(worker);
  ASSERT_EQ(host->Parse(ev::CloneExit(101, 0)), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(host->Parse(ev::ProcExit(101)), SS_PLUGIN_SUCCESS);
  EXPECT_TRUE(host->TakeAsyncEvents().empty());

  ASSERT_EQ(host->Parse(ev::ProcExit(100)), SS_PLUGIN_SUCCESS);
  auto emitted = Decode(host->TakeAsyncEvents());
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(emitted[0].name, "container_removed");
  EXPECT_NE(emitted[0].data.find(kDockerId), std::string::npos);
  // Sent with an all-ones timestamp, which the host replaced with its clock.
  EXPECT_NE(emitted[0].ts, UINT64_MAX);
  EXPECT_GT(emitted[0].ts, 0u);

  // The host feeds it back like sinsp does; then the entry is gone.
  ASSERT_EQ(host->Parse(ev::AsyncEvent(emitted[0].name, emitted[0].data)), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(MetricValue(*host, "n_containers"), 0u);
  EXPECT_EQ(host->ContainersTableSize(), 1u);
  EXPECT_EQ(host->ContainersTableString(kDockerShortId, "name"), std::nullopt);
}

TEST(LifecycleEvents, NoRemovalWhenReadingACapture) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(DockerThread(100, 1));
  ASSERT_EQ(host->Parse(ev::AsyncEvent("container", DockerPayload() + std::string(1, '\0'))),
            SS_PLUGIN_SUCCESS);
  ASSERT_EQ(host->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(host->Parse(ev::ProcExit(100)), SS_PLUGIN_SUCCESS);
  EXPECT_TRUE(host->TakeAsyncEvents().empty());
}

TEST(LifecycleEvents, CgroupOnlyContainerAnnouncedOncePerContainer) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
  for (int64_t tid = 500; tid < 505; ++tid) {
    testhost::ThreadSpec spec;
    spec.tid = spec.pid = tid;
    spec.vpid = spec.vtid = tid - 499;
    spec.cgroups = {{"memory", "/lxc.payload.web01"}};
    host->AddThread(spec);
    ASSERT_EQ(host->Parse(ev::ExecveExit(tid, 0)), SS_PLUGIN_SUCCESS);
  }
  auto emitted = Decode(host->TakeAsyncEvents());
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(emitted[0].name, "container");
  EXPECT_EQ(host->ThreadContainerId(503), "web01");
  auto open = ev::OpenExit(503);
  EXPECT_EQ(host->Extract(open, "container.type")->str, "lxc");
  EXPECT_EQ(host->Extract(open, "container.id")->str, "web01");
}

TEST(LifecycleEvents, StaticContainerForEveryProcess) {
  auto host = LoadPlugin(
      R"({"engines":{"static":{"enabled":true,"container_id":"0123456789abcdef","container_name":"fargate-task","container_image":"repo/app:2.1"}}})");
  ASSERT_NE(host, nullptr);
  host->AddThread(HostThread(200));
  ASSERT_EQ(host->Parse(ev::ExecveExit(200, 0)), SS_PLUGIN_SUCCESS);
  auto open = ev::OpenExit(200);
  EXPECT_EQ(host->Extract(open, "container.id")->str, "0123456789ab");
  EXPECT_EQ(host->Extract(open, "container.name")->str, "fargate-task");
  EXPECT_EQ(host->Extract(open, "container.type")->str, "static");
  EXPECT_EQ(host->Extract(open, "container.image.tag")->str, "2.1");
}

TEST(LifecycleEvents, CaptureOpenTagsEveryThreadDespiteABadOne) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  host->AddThread(HostThread(10));
  for (int64_t tid = 100; tid < 110; ++tid) host->AddThread(DockerThread(tid, tid - 99));
  host->FailNextThreadReads(103);
  ASSERT_EQ(host->CaptureOpen(), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(10), "");
  int tagged = 0;
  for (int64_t tid = 100; tid < 110; ++tid) tagged += host->ThreadContainerId(tid) == kDockerShortId;
  EXPECT_EQ(tagged, 9);
}

TEST(LifecycleEvents, DumpReplaysIntoIdenticalValues) {
  auto live = LoadPlugin();
  ASSERT_NE(live, nullptr);
  const std::string second(64, 'e');
  ASSERT_EQ(live->Parse(ev::AsyncEvent("container", DockerPayload() + std::string(1, '\0'))),
            SS_PLUGIN_SUCCESS);
  ASSERT_EQ(live->Parse(ev::AsyncEvent("container", DockerPayload(second, "other") + std::string(1, '\0'))),
            SS_PLUGIN_SUCCESS);
  auto dumped = live->DumpState();
  ASSERT_EQ(dumped.size(), 2u);

  auto replay = LoadPlugin();
  ASSERT_NE(replay, nullptr);
  for (const auto& e : dumped) ASSERT_EQ(replay->Parse(e), SS_PLUGIN_SUCCESS);
  const std::vector<std::string> fields = {"container.id",
                                           "container.full_id",
                                           "container.name",
                                           "container.image",
                                           "container.image.id",
                                           "container.type",
                                           "container.privileged",
                                           "container.mounts",
                                           "container.image.repository",
                                           "container.image.tag",
                                           "container.image.digest",
                                           "container.ip",
                                           "container.labels",
                                           "container.host_pid",
                                           "container.healthcheck",
                                           "k8s.pod.name",
                                           "k8s.ns.name",
                                           "k8s.pod.uid"};
  for (const std::string& id : {std::string(kDockerId), second}) {
    live->AddThread(DockerThread(100, 1, id));
    replay->AddThread(DockerThread(100, 1, id));
    ASSERT_EQ(live->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
    ASSERT_EQ(replay->Parse(ev::ExecveExit(100, 0)), SS_PLUGIN_SUCCESS);
    auto a = live->ExtractMany(ev::OpenExit(100), fields);
    auto b = replay->ExtractMany(ev::OpenExit(100), fields);
    ASSERT_TRUE(a && b);
    for (size_t i = 0; i < fields.size(); ++i) {
      EXPECT_EQ((*a)[i].present, (*b)[i].present) << fields[i];
      EXPECT_EQ((*a)[i].str, (*b)[i].str) << fields[i];
      EXPECT_EQ((*a)[i].u64, (*b)[i].u64) << fields[i];
    }
    EXPECT_EQ((*b)[2].str, id == second ? "other" : "web");
  }
}

}  // namespace
