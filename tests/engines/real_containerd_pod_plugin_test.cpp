// Kubernetes pods on a real containerd 1.6 with its CRI plugin, through the plugin .so: a pod's container
// is also a containerd container (namespace k8s.io), which containerd's native events report within
// milliseconds, while the CRI engine polls (containerd 1.6 has no CRI events stream). The native record
// alone must already carry the pod, and the later CRI record may only add to it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engines/plugin_test_util.h"
#include "engines/real_containerd.h"
#include "engines/real_containerd_plugin_util.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace testengines {
namespace {

namespace ev = testhost::events;
using Clock = std::chrono::steady_clock;
using RealContainerdPodPlugin = RealContainerdPluginFixture;

// What a pod container must show, whichever engine reported it.
struct PodFacts {
  std::string container_name, pod_name, pod_ns, pod_uid;
};

PodFacts NewPod(const std::string& tag) {
  const std::string pid = std::to_string(getpid());
  return {"web", tag + "-pod", tag + "-" + pid, "uid-" + tag + "-" + pid};
}

std::string Label(const nlohmann::json& record, const std::string& key) {
  const nlohmann::json labels = record.value("labels", nlohmann::json::object());
  return labels.is_object() ? labels.value(key, "<none>") : "<none>";
}

// Differences between a delivered record and the facts, "" if none.
std::string RecordMismatch(const nlohmann::json& record, const PodFacts& want) {
  std::string out;
  auto check = [&](const char* what, const std::string& got, const std::string& expected) {
    if (got != expected) out += std::string(what) + "=" + got + " (want " + expected + ") ";
  };
  check("name", record.value("name", "<none>"), want.container_name);
  check("pod", Label(record, "io.kubernetes.pod.name"), want.pod_name);
  check("ns", Label(record, "io.kubernetes.pod.namespace"), want.pod_ns);
  check("uid", Label(record, "io.kubernetes.pod.uid"), want.pod_uid);
  return out;
}

TEST_F(RealContainerdPodPlugin, PodContainerIsNamedByContainerdAloneWithCriDisabled) {
  auto host = StartPlugin({"create"}, /*with_cri=*/false);
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_containerd_connected") == 1; }))
      << "containerd engine never connected";

  const PodFacts want = NewPod("native");
  const std::string sandbox =
      containerd_->RunPod(want.pod_name, want.pod_ns, want.pod_uid, {{"tier", "web"}});
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();
  const std::string id = containerd_->CreatePodContainer(sandbox, want.container_name, {{"app", "api"}});
  ASSERT_EQ(id.size(), 64u) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id) && Known(*host, sandbox); }))
      << "pod not reported by containerd's native events";

  pid_t pid = 0;
  ASSERT_TRUE(AddTaskThread(*host, RealContainerd::kCriNamespace, id, &pid));
  const auto open = ev::OpenExit(pid);
  auto str = [&](const std::string& field, std::optional<std::string> key = std::nullopt) {
    return ExtractString(*host, open, field, std::move(key));
  };
  EXPECT_EQ(str("container.id"), id.substr(0, 12));
  EXPECT_EQ(str("container.type"), "containerd");
  EXPECT_EQ(str("container.name"), want.container_name);
  EXPECT_EQ(str("k8s.pod.name"), want.pod_name);
  EXPECT_EQ(str("k8s.ns.name"), want.pod_ns);
  EXPECT_EQ(str("k8s.pod.uid"), want.pod_uid);
  EXPECT_EQ(str("k8s.pod.sandbox_id"), sandbox.substr(0, 12));
  EXPECT_EQ(str("container.label", "app"), "api");

  pid_t sandbox_pid = 0;
  ASSERT_TRUE(AddTaskThread(*host, RealContainerd::kCriNamespace, sandbox, &sandbox_pid));
  const auto sandbox_open = ev::OpenExit(sandbox_pid);
  EXPECT_EQ(ExtractString(*host, sandbox_open, "container.name"), want.pod_name);
  EXPECT_EQ(ExtractString(*host, sandbox_open, "k8s.pod.name"), want.pod_name);
  EXPECT_EQ(ExtractString(*host, sandbox_open, "k8s.pod.uid"), want.pod_uid);
  EXPECT_EQ(Metric(*host, "n_cri_events"), UINT64_MAX) << "the cri engine was meant to be off";
}

TEST_F(RealContainerdPodPlugin, PodContainerFactsNeverChangeBetweenNativeAndCriRecords) {
  auto host = StartPlugin({"create", "start"});
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] {
    return Metric(*host, "n_containerd_connected") == 1 && Metric(*host, "n_cri_connected") == 1;
  })) << "engines never connected";

  const PodFacts want = NewPod("both");
  const std::string sandbox = containerd_->RunPod(want.pod_name, want.pod_ns, want.pod_uid);
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();

  // The container is made (created and started) by the helper while this thread delivers the plugin's
  // events as they come, each stamped with its delivery time; its id is known once the helper returns.
  const Clock::time_point t0 = Clock::now();
  auto made = std::async(std::launch::async, [&] {
    std::string made_id = containerd_->CreatePodContainer(sandbox, want.container_name);
    return std::make_pair(std::move(made_id), Clock::now());
  });
  std::vector<std::pair<Clock::time_point, nlohmann::json>> delivered;
  std::string id;
  Clock::time_point made_at{};
  std::optional<Clock::time_point> native_at, cri_at;
  pid_t pid = 0;
  std::vector<std::string> changes;
  std::map<std::string, std::string> first_seen;  // field → first non-empty sample
  int samples_after_cri = 0;
  auto sample = [&](const std::string& where, const std::string& value) {
    auto [it, inserted] = first_seen.emplace(where, value);
    if (!inserted && it->second != value && changes.size() < 10)
      changes.push_back(where + ": " + it->second + " -> " + value);
  };
  const Clock::time_point deadline = t0 + kPluginPatience;
  while (Clock::now() < deadline && samples_after_cri < 20) {
    host->DeliverAsyncEvents();
    for (const auto& record : DeliveredContainers(*host)) delivered.emplace_back(Clock::now(), record);
    if (id.empty() && made.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      std::tie(id, made_at) = made.get();
      ASSERT_EQ(id.size(), 64u) << containerd_->last_error();
      ASSERT_TRUE(AddTaskThread(*host, RealContainerd::kCriNamespace, id, &pid));
    }
    if (!id.empty()) {
      for (const auto& [at, record] : delivered) {
        if (record.value("full_id", "") != id) continue;
        std::optional<Clock::time_point>& first = FromCri(record) ? cri_at : native_at;
        if (!first) first = at;
        const std::string mismatch = RecordMismatch(record, want);
        if (!mismatch.empty() && changes.size() < 10)
          changes.push_back(std::string(FromCri(record) ? "CRI" : "native") + " record: " + mismatch);
      }
      delivered.clear();
      // From the moment the container is known, every sample must show the pod's values.
      if (Known(*host, id)) {
        const auto open = ev::OpenExit(pid);
        sample("table name", host->ContainersTableString(id.substr(0, 12), "name").value_or("<none>"));
        for (const char* field : {"container.name", "k8s.pod.name", "k8s.ns.name", "k8s.pod.uid"})
          sample(field, ExtractString(*host, open, field));
      }
      if (cri_at) ++samples_after_cri;
    }
    host->WaitForAsyncEvents(1, std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(id.empty()) << "cri-pod-tool create-container never returned";
  ASSERT_TRUE(native_at.has_value()) << "no record from containerd's native events";
  ASSERT_TRUE(cri_at.has_value()) << "no record from the CRI engine";
  EXPECT_TRUE(changes.empty()) << ::testing::PrintToString(changes);
  EXPECT_EQ(first_seen["table name"], want.container_name);
  EXPECT_EQ(first_seen["container.name"], want.container_name);
  EXPECT_EQ(first_seen["k8s.pod.name"], want.pod_name);
  EXPECT_EQ(first_seen["k8s.ns.name"], want.pod_ns);
  EXPECT_EQ(first_seen["k8s.pod.uid"], want.pod_uid);

  // Reported, never asserted: how long after the helper started each engine's first record arrived.
  auto ms = [&](Clock::time_point at) { return std::chrono::duration<double, std::milli>(at - t0).count(); };
  std::printf(
      "[ LATENCY  ] pod container after create-container started: native containerd record %.0f ms, "
      "CRI record %.0f ms (the helper's create+start returned at %.0f ms)\n",
      ms(*native_at), ms(*cri_at), ms(made_at));
}

}  // namespace
}  // namespace testengines
