// The plugin, loaded through the test host exactly as Falco loads it, against a real containerd 1.6 that
// the tests start on a private socket, with the `containerd` and `cri` engines both on that socket.
// This binary loads the .so, which carries the generated protos, so it must not link them itself: ctr
// drives the native side and the cri-pod-tool helper (a subprocess, CRI_POD_TOOL_PATH) the pods.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engines/plugin_test_util.h"
#include "engines/real_containerd.h"
#include "engines/real_containerd_plugin_util.h"
#include "engines/real_engines.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace testengines {
namespace {

namespace ev = testhost::events;

using RealContainerdPlugin = RealContainerdPluginFixture;

TEST_F(RealContainerdPlugin, CtrContainersInTwoNamespacesAreListedFollowedTaggedAndRemoved) {
  // The cache is keyed by the first 12 characters: the prefixes keep them distinct.
  const std::string listed = RealContainerd::UniqueId("listed");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", listed, true, {{"app", "web"}, {"tier", "db"}}))
      << containerd_->last_error();
  auto host = StartPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, listed); })) << "pre-existing container not listed";

  const std::string team_ns = "team-" + std::to_string(getpid());
  const std::string live = RealContainerd::UniqueId("live");
  ASSERT_TRUE(containerd_->CreateCtrContainer(team_ns, live, true, {{"team", "a"}}))
      << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, live); }))
      << "container made after start not reported";

  struct Case {
    std::string ns, id, label_key, label_value;
  };
  for (const Case& c : {Case{"default", listed, "app", "web"}, Case{team_ns, live, "team", "a"}}) {
    SCOPED_TRACE(c.ns + "/" + c.id);
    pid_t pid = 0;
    ASSERT_TRUE(AddTaskThread(*host, c.ns, c.id, &pid));
    // ctr puts the task at /<namespace>/<id>; the plugin takes the id from there.
    EXPECT_EQ(host->ThreadContainerId(pid), c.id.substr(0, 12));
    const auto open = ev::OpenExit(pid);
    auto str = [&](const std::string& field, std::optional<std::string> key = std::nullopt) {
      return ExtractString(*host, open, field, std::move(key));
    };
    EXPECT_EQ(str("container.id"), c.id.substr(0, 12));
    EXPECT_EQ(str("container.full_id"), c.id);
    EXPECT_EQ(str("container.name"), c.id);  // no Kubernetes metadata: the id is the name
    EXPECT_EQ(str("container.type"), "containerd");
    EXPECT_EQ(str("container.image"), RealContainerd::kImage);
    EXPECT_EQ(str("container.image.repository"), "localhost/local/busybox");
    EXPECT_EQ(str("container.image.tag"), "test");
    EXPECT_EQ(str("container.label", c.label_key), c.label_value);
    EXPECT_NE(str("container.labels").find(c.label_key + ":" + c.label_value), std::string::npos)
        << str("container.labels");
  }

  ASSERT_TRUE(containerd_->RemoveCtrContainer(team_ns, live)) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return !Known(*host, live); })) << "removal not reported";
  EXPECT_TRUE(Known(*host, listed));
  EXPECT_EQ(Metric(*host, "n_containerd_connected"), 1u);
}

TEST_F(RealContainerdPlugin, CriPodKeepsItsK8sNameAndReportsSandboxAndRemovals) {
  // hooks [create, start]: the native watcher reports the container again when its task starts, which
  // here is after the CRI record came in; the k8s name must survive that later record.
  auto host = StartPlugin({"create", "start"});
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] {
    return Metric(*host, "n_containerd_connected") == 1 && Metric(*host, "n_cri_connected") == 1;
  })) << "engines never connected";

  const std::string pod_ns = "shop-" + std::to_string(getpid());
  const std::string uid = "uid-" + std::to_string(getpid());
  const std::string sandbox = containerd_->RunPod("web-pod", pod_ns, uid, {{"tier", "frontend"}});
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();
  // Created and started in two steps, like kubelet does.
  const std::string id = containerd_->CreatePodContainer(sandbox, "web", {{"app", "api"}}, /*start=*/false);
  ASSERT_EQ(id.size(), 64u) << containerd_->last_error();
  const std::string short_id = id.substr(0, 12);
  pid_t pid = 0;  // set once the task runs
  const auto open = [&] { return ev::OpenExit(pid); };
  auto str = [&](const std::string& field, std::optional<std::string> key = std::nullopt) {
    return ExtractString(*host, open(), field, std::move(key));
  };

  // Both engines report the container (the native API lists namespace k8s.io too), from events, polls
  // and lookups. Sample the name on every delivery: once the
  // k8s name was seen, it must never flip back to the bare id (or anything else).
  int native_records = 0, cri_records = 0;
  bool k8s_name_seen = false;
  std::vector<std::string> flips;
  auto check_name = [&](const std::string& where, const std::string& name) {
    if (name == "web") {
      k8s_name_seen = true;
    } else if (k8s_name_seen && flips.size() < 5) {
      flips.push_back(where + ": " + name);
    }
  };
  auto sample = [&] {
    for (const auto& record : DeliveredContainers(*host)) {
      if (record.value("full_id", "") != id) continue;
      (FromCri(record) ? cri_records : native_records)++;
    }
    check_name("table", host->ContainersTableString(short_id, "name").value_or("<none>"));
    if (pid > 0) check_name("container.name", str("container.name"));
  };
  ASSERT_TRUE(PumpUntil(*host, [&] {
    sample();
    return cri_records > 0;
  })) << "created container not reported by the CRI poll";

  const int native_before_start = native_records;
  ASSERT_TRUE(containerd_->StartPodContainer(id)) << containerd_->last_error();
  ASSERT_TRUE(AddTaskThread(*host, RealContainerd::kCriNamespace, id, &pid));
  EXPECT_EQ(host->ThreadContainerId(pid), short_id);
  // Keep sampling for a while after the native record of the start: later polls fold in too.
  int samples_after_start = 0;
  EXPECT_TRUE(PumpUntil(*host,
                        [&] {
                          sample();
                          if (native_records > native_before_start) ++samples_after_start;
                          return samples_after_start >= 20;
                        }))
      << "no native record after the start; records: native " << native_records << ", cri " << cri_records;
  EXPECT_TRUE(k8s_name_seen);
  EXPECT_TRUE(flips.empty()) << ::testing::PrintToString(flips);

  EXPECT_EQ(str("container.id"), short_id);
  EXPECT_EQ(str("container.full_id"), id);
  EXPECT_EQ(str("container.name"), "web");
  EXPECT_EQ(str("container.type"), "containerd");
  EXPECT_EQ(str("container.image"), RealContainerd::kImage);
  EXPECT_EQ(str("container.label", "app"), "api");
  EXPECT_EQ(str("k8s.pod.name"), "web-pod");
  EXPECT_EQ(str("k8s.ns.name"), pod_ns);
  EXPECT_EQ(str("k8s.pod.uid"), uid);
  EXPECT_EQ(str("k8s.pod.label", "tier"), "frontend");
  EXPECT_NE(str("k8s.pod.labels").find("tier:frontend"), std::string::npos) << str("k8s.pod.labels");
  EXPECT_EQ(str("k8s.pod.sandbox_id"), sandbox.substr(0, 12));
  EXPECT_EQ(str("k8s.pod.full_sandbox_id"), sandbox);

  // The sandbox (pause) container: its own pod-sandbox entry, and its process is tagged with it.
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, sandbox); })) << "sandbox not reported";
  const nlohmann::json dumped = DumpedContainer(*host, sandbox);
  ASSERT_TRUE(dumped.is_object()) << "sandbox missing from plugin_dump_state";
  EXPECT_EQ(dumped.value("is_pod_sandbox", false), true) << dumped.dump();
  EXPECT_EQ(dumped.value("name", ""), "web-pod") << dumped.dump();
  const nlohmann::json dumped_container = DumpedContainer(*host, id);
  ASSERT_TRUE(dumped_container.is_object()) << "container missing from plugin_dump_state";
  EXPECT_EQ(dumped_container.value("is_pod_sandbox", true), false);
  pid_t sandbox_pid = 0;
  ASSERT_TRUE(AddTaskThread(*host, RealContainerd::kCriNamespace, sandbox, &sandbox_pid));
  const auto sandbox_open = ev::OpenExit(sandbox_pid);
  EXPECT_EQ(ExtractString(*host, sandbox_open, "container.id"), sandbox.substr(0, 12));
  EXPECT_EQ(ExtractString(*host, sandbox_open, "k8s.pod.sandbox_id"), sandbox.substr(0, 12));
  EXPECT_EQ(ExtractString(*host, sandbox_open, "k8s.pod.name"), "web-pod");

  ASSERT_TRUE(containerd_->RemovePodContainer(id)) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return !Known(*host, id); })) << "container removal not reported";
  EXPECT_TRUE(Known(*host, sandbox));
  ASSERT_TRUE(containerd_->RemovePod(sandbox)) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return !Known(*host, sandbox); })) << "pod removal not reported";
  EXPECT_FALSE(Known(*host, id));
}

TEST_F(RealContainerdPlugin, SurvivesKillDashNineAndReportsContainersMadeAfterwards) {
  const std::string before = RealContainerd::UniqueId("before-kill");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", before)) << containerd_->last_error();
  auto host = StartPlugin();
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] {
    return Known(*host, before) && Metric(*host, "n_containerd_connected") == 1 &&
           Metric(*host, "n_cri_connected") == 1;
  })) << "not listed/connected before the kill";

  containerd_->Kill9();
  // Both engines notice before the daemon is back, so what follows is a real reconnect.
  ASSERT_TRUE(PumpUntil(*host, [&] {
    return Metric(*host, "n_containerd_connected") == 0 && Metric(*host, "n_cri_connected") == 0;
  })) << "engines never noticed the kill";
  std::string error;
  ASSERT_TRUE(containerd_->Restart(&error)) << error;

  const std::string after = RealContainerd::UniqueId("after-kill");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", after)) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, after); }))
      << "ctr container made after the restart not reported";
  const std::string sandbox = containerd_->RunPod("late-pod", "late-" + std::to_string(getpid()), "uid-late");
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error();
  const std::string late = containerd_->CreatePodContainer(sandbox, "late");
  ASSERT_EQ(late.size(), 64u) << containerd_->last_error();
  ASSERT_TRUE(PumpUntil(*host, [&] {
    return host->ContainersTableString(late.substr(0, 12), "name") == "late";
  })) << "CRI container made after the restart not reported";

  // A watcher counts the reconnect after its re-list reported the containers: wait for the counters.
  EXPECT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_containerd_reconnects") >= 1; }));
  EXPECT_TRUE(PumpUntil(*host, [&] { return Metric(*host, "n_cri_reconnects") >= 1; }));
  EXPECT_TRUE(Known(*host, before));

  // Everything is left running for the fixture, pods included: nothing of it may stay behind.
  host.reset();
  const pid_t late_pid = containerd_->TaskPid(RealContainerd::kCriNamespace, late);
  EXPECT_GT(late_pid, 0);
  const std::string dir = containerd_->dir();
  containerd_.reset();
  EXPECT_FALSE(ProcessAlive(late_pid));
  EXPECT_TRUE(ProcessesMentioning(dir).empty()) << "containerd or its shims left behind";
  EXPECT_TRUE(MountsUnder(dir).empty()) << "mounts left behind";
  for (const std::string& path :
       {"/default/" + before, "/default/" + after, "/k8s.io/" + sandbox, "/k8s.io/" + late}) {
    struct stat st {};
    EXPECT_NE(stat(("/sys/fs/cgroup/memory" + path).c_str(), &st), 0) << "cgroup left: " << path;
  }
}

}  // namespace
}  // namespace testengines
