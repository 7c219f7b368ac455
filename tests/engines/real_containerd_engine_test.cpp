// ContainerdEngine and CriEngine against a real containerd 1.6 (the RealContainerdCri fixture): listing at
// start across namespaces, live creates and removals, short-id lookups, CRI pods through the polling
// path (1.6 has no GetContainerEvents), the plugin's merge of both engines' records of one container,
// and a daemon killed with SIGKILL and restarted. Times are never asserted; waits are hang guards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/container_cache.h"
#include "core/container_merge.h"
#include "core/field_extractor.h"
#include "core/plugin_config.h"
#include "engines/containerd/containerd_engine.h"
#include "engines/cri/cri_engine.h"
#include "engines/fake_engine.h"
#include "engines/real_containerd_cri.h"

namespace testengines {
namespace {

using libcontainer::ContainerCache;
using libcontainer::ContainerdEngine;
using libcontainer::ContainerInfo;
using libcontainer::ContainerSink;
using libcontainer::ContainerType;
using libcontainer::CriEngine;
using libcontainer::EngineTiming;
using libcontainer::ExtractField;
using libcontainer::ExtractRequest;
using libcontainer::FieldId;
using libcontainer::FieldValue;
using libcontainer::MergeContainerRecords;
using libcontainer::PluginConfig;
using libcontainer::ShortId;
using libcontainer::ThreadFacts;
using libcontainer::engine_testing::CapturingLogger;
using libcontainer::engine_testing::kGuard;
using libcontainer::engine_testing::RecordingSink;
using libcontainer::engine_testing::WaitFor;
using namespace std::chrono_literals;

// Short backoff so the restart test reconnects quickly; a 200 ms poll keeps the CRI tests fast.
EngineTiming FastTiming() {
  EngineTiming timing;
  timing.backoff_initial = 50ms;
  timing.backoff_max = 200ms;
  timing.cri_poll_interval = 200ms;
  return timing;
}

bool WasRemoved(const RecordingSink& sink, const std::string& full_id) {
  for (const auto& info : sink.removed()) {
    if (info.full_id == full_id) return true;
  }
  return false;
}

std::string Label(const ContainerInfo& info, const std::string& key) {
  auto it = info.labels.find(key);
  return std::string(it == info.labels.end() ? "<missing>" : it->second);
}

// Folds every record of one container into a single cached record the way the plugin does
// (MergeContainerRecords on each arrival), remembering each step's name and source.
class MergingSink {
 public:
  explicit MergingSink(std::string full_id) : full_id_(std::move(full_id)) {}

  struct Step {
    std::string source;
    std::string name;
  };

  // One ContainerSink per engine, so each step knows where its record came from.
  class Tap : public ContainerSink {
   public:
    Tap(MergingSink& owner, std::string source) : owner_(owner), source_(std::move(source)) {}
    void OnContainer(const ContainerInfo& info) override { owner_.Add(source_, info); }
    void OnContainerRemoved(const ContainerInfo&) override {}

   private:
    MergingSink& owner_;
    std::string source_;
  };

  size_t Count(const std::string& source) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& step : steps_) n += step.source == source;
    return n;
  }
  std::vector<Step> steps() const {
    std::lock_guard lock(mu_);
    return steps_;
  }
  std::optional<ContainerInfo> merged() const {
    std::lock_guard lock(mu_);
    return merged_;
  }

 private:
  void Add(const std::string& source, const ContainerInfo& info) {
    if (info.full_id != full_id_) return;
    std::lock_guard lock(mu_);
    merged_ = merged_ ? MergeContainerRecords(*merged_, info) : info;
    steps_.push_back({source, merged_->name});
  }

  const std::string full_id_;
  mutable std::mutex mu_;
  std::optional<ContainerInfo> merged_;
  std::vector<Step> steps_;
};

class RealContainerdEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    containerd_ = RealContainerdCri::Start(&error);
    if (!containerd_) {
      // Under CI=true a daemon that cannot start is a failure; elsewhere the test is skipped.
      if (RequireRealEngines()) FAIL() << "containerd did not start:\n" << error;
      GTEST_SKIP() << "containerd did not start:\n" << error;
    }
  }

  // Engines stop before the daemon goes away (members are destroyed in reverse order).
  void TearDown() override {
    for (auto& engine : engines_) engine->Stop();
    engines_.clear();
    containerd_.reset();
  }

  template <typename Engine>
  Engine& StartEngine(ContainerSink& sink) {
    std::vector<std::string> sockets{containerd_->socket()};
    auto engine = std::make_unique<Engine>(std::move(sockets), config_, logger_, FastTiming());
    Engine& ref = *engine;
    engines_.push_back(std::move(engine));
    ref.Start(sink);
    EXPECT_TRUE(ref.WaitForInitialList(kGuard)) << ref.name() << ": " << ref.stats().last_error;
    return ref;
  }

  std::unique_ptr<RealContainerdCri> containerd_;
  const PluginConfig config_;
  CapturingLogger logger_;
  std::vector<std::unique_ptr<libcontainer::ContainerEngine>> engines_;
};

TEST_F(RealContainerdEngineTest, ContainerdListsLiveRemovesAndLooksUp) {
  // 12-character prefixes that no other container shares, for the short-id lookup.
  const std::string in_default = RealContainerd::UniqueId("alpha-listed");
  const std::string in_team = RealContainerd::UniqueId("bravo-listed");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", in_default, true, {{"app", "web"}}))
      << containerd_->last_error();
  ASSERT_TRUE(containerd_->CreateCtrContainer("team-a", in_team, true, {{"team", "a"}}))
      << containerd_->last_error();

  RecordingSink sink;
  auto& engine = StartEngine<ContainerdEngine>(sink);
  EXPECT_TRUE(engine.stats().connected) << engine.stats().last_error;

  auto listed = sink.WaitForAdded(in_default);
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->type, ContainerType::kContainerd);
  EXPECT_EQ(listed->full_id, in_default);
  EXPECT_EQ(listed->id, ShortId(in_default));
  EXPECT_EQ(listed->name, in_default);  // no k8s labels: the id is the name
  EXPECT_EQ(listed->image, RealContainerd::kImage);
  EXPECT_EQ(Label(*listed, "app"), "web");
  EXPECT_FALSE(listed->is_pod_sandbox);
  EXPECT_TRUE(listed->pod_sandbox_id.empty());

  auto other_ns = sink.WaitForAdded(in_team);
  ASSERT_TRUE(other_ns.has_value()) << "container in namespace team-a not listed";
  EXPECT_EQ(other_ns->name, in_team);
  EXPECT_EQ(other_ns->image, RealContainerd::kImage);
  EXPECT_EQ(Label(*other_ns, "team"), "a");

  // Created after Start: reported from the event stream.
  const std::string live = RealContainerd::UniqueId("charlie-live");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", live, true, {{"when", "later"}}))
      << containerd_->last_error();
  auto reported = sink.WaitForAdded(live);
  ASSERT_TRUE(reported.has_value()) << "live container not reported";
  EXPECT_EQ(reported->name, live);
  EXPECT_EQ(Label(*reported, "when"), "later");

  ASSERT_TRUE(containerd_->RemoveCtrContainer("default", live)) << containerd_->last_error();
  EXPECT_TRUE(WaitFor([&] { return WasRemoved(sink, live); })) << "removal not reported";
  EXPECT_FALSE(WasRemoved(sink, in_default));

  // A lookup by the 12-character id (as the plugin gets it from a cgroup) resolves, in any namespace.
  for (const std::string& id : {in_default, in_team}) {
    const size_t before = sink.CountAdded(id);
    engine.RequestLookup(ShortId(id));
    EXPECT_TRUE(WaitFor([&] { return sink.CountAdded(id) > before; })) << "lookup of " << ShortId(id);
  }
  EXPECT_GE(engine.stats().lookups, 2u);
  EXPECT_EQ(engine.stats().lookup_failures, 0u);
  EXPECT_GT(engine.stats().events, 0u);
}

TEST_F(RealContainerdEngineTest, CriPodThroughPolling) {
  const std::string uid = "uid-" + std::to_string(getpid());
  const std::string sandbox = containerd_->RunHostNetworkPod("web-pod", "shop", uid, {{"tier", "frontend"}});
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();
  const std::string listed_id = containerd_->CreateAndStartPodContainer(sandbox, "web", {{"app", "api"}});
  ASSERT_EQ(listed_id.size(), 64u) << containerd_->last_error();

  RecordingSink sink;
  auto& engine = StartEngine<CriEngine>(sink);

  auto container = sink.WaitForAdded(listed_id);
  ASSERT_TRUE(container.has_value()) << "pod container not listed";
  EXPECT_EQ(container->type, ContainerType::kContainerd);  // typed by the runtime's name
  EXPECT_EQ(container->id, ShortId(listed_id));
  EXPECT_EQ(container->name, "web");
  EXPECT_EQ(container->pod_sandbox_id, sandbox);
  EXPECT_FALSE(container->is_pod_sandbox);
  EXPECT_EQ(Label(*container, "app"), "api");
  EXPECT_EQ(Label(*container, "io.kubernetes.pod.name"), "web-pod");
  EXPECT_EQ(Label(*container, "io.kubernetes.pod.namespace"), "shop");
  EXPECT_EQ(Label(*container, "io.kubernetes.pod.uid"), uid);
  EXPECT_EQ(container->pod_sandbox_labels.count("tier") ? container->pod_sandbox_labels.at("tier") : "",
            "frontend");

  auto pod = sink.WaitForAdded(sandbox);
  ASSERT_TRUE(pod.has_value()) << "sandbox not reported";
  EXPECT_TRUE(pod->is_pod_sandbox);
  EXPECT_EQ(pod->name, "web-pod");
  EXPECT_EQ(pod->pod_sandbox_id, sandbox);
  EXPECT_EQ(pod->pod_sandbox_labels.count("tier") ? pod->pod_sandbox_labels.at("tier") : "", "frontend");

  // The k8s.* fields as rules see them, with both records in the plugin's cache.
  ContainerCache cache;
  cache.Upsert(std::make_shared<const ContainerInfo>(*container));
  cache.Upsert(std::make_shared<const ContainerInfo>(*pod));
  const ContainerInfo* cached = cache.Find(ShortId(listed_id));
  ASSERT_NE(cached, nullptr);
  ThreadFacts thread;
  thread.container_id = cached->id;
  std::string scratch;
  auto field = [&](FieldId id) {
    ExtractRequest request{id, {}, 0, false};
    FieldValue value = ExtractField(request, thread, cached, cache, scratch);
    return value.present ? std::string(value.str) : std::string("<null>");
  };
  EXPECT_EQ(field(FieldId::kK8sPodName), "web-pod");
  EXPECT_EQ(field(FieldId::kK8sNsName), "shop");
  EXPECT_EQ(field(FieldId::kK8sPodUid), uid);
  EXPECT_EQ(field(FieldId::kK8sPodFullSandboxId), sandbox);
  EXPECT_NE(field(FieldId::kK8sPodLabels).find("tier:frontend"), std::string::npos)
      << field(FieldId::kK8sPodLabels);

  // Created after Start: containerd 1.6 answers GetContainerEvents with UNIMPLEMENTED, so only the
  // polling path can find it.
  const std::string live = containerd_->CreateAndStartPodContainer(sandbox, "sidecar", {{"role", "proxy"}});
  ASSERT_EQ(live.size(), 64u) << containerd_->last_error();
  auto sidecar = sink.WaitForAdded(live);
  ASSERT_TRUE(sidecar.has_value()) << "container created after Start not reported";
  EXPECT_EQ(sidecar->name, "sidecar");
  EXPECT_EQ(sidecar->pod_sandbox_id, sandbox);
  EXPECT_EQ(Label(*sidecar, "role"), "proxy");

  ASSERT_TRUE(containerd_->RemovePodContainer(listed_id)) << containerd_->last_error();
  EXPECT_TRUE(WaitFor([&] { return WasRemoved(sink, listed_id); })) << "CRI removal not reported";
  EXPECT_FALSE(WasRemoved(sink, live));
  EXPECT_FALSE(WasRemoved(sink, sandbox));

  // A lookup by short id also works against the real runtime.
  const size_t before = sink.CountAdded(live);
  engine.RequestLookup(ShortId(live));
  EXPECT_TRUE(WaitFor([&] { return sink.CountAdded(live) > before; })) << "CRI lookup by short id";
}

// Both engines see the CRI container (containerd's native API lists namespace k8s.io too); the plugin
// merges whatever arrives. The k8s name must win, whichever engine reports first.
TEST_F(RealContainerdEngineTest, BothEnginesMergeToTheK8sName) {
  const std::string sandbox = containerd_->RunHostNetworkPod("merge-pod", "shop", "uid-merge");
  ASSERT_EQ(sandbox.size(), 64u) << containerd_->last_error() << "\n" << containerd_->LogTail();

  for (const bool native_first : {true, false}) {
    SCOPED_TRACE(native_first ? "containerd engine first" : "cri engine first");
    const std::string k8s_name = native_first ? "native-first" : "cri-first";
    // Created before either engine starts: the first engine lists it, the second one is started only
    // once the first has reported it, which fixes the order of the first two records.
    const std::string id = containerd_->CreateAndStartPodContainer(sandbox, k8s_name);
    ASSERT_EQ(id.size(), 64u) << containerd_->last_error();

    MergingSink merging(id);
    MergingSink::Tap native_tap(merging, "containerd"), cri_tap(merging, "cri");
    const std::string first = native_first ? "containerd" : "cri";
    const std::string second = native_first ? "cri" : "containerd";
    auto start = [&](const std::string& which) {
      if (which == "containerd") {
        StartEngine<ContainerdEngine>(native_tap);
      } else {
        StartEngine<CriEngine>(cri_tap);
      }
    };
    start(first);
    ASSERT_TRUE(WaitFor([&] { return merging.Count(first) > 0; })) << first << " never reported " << id;
    start(second);
    ASSERT_TRUE(WaitFor([&] { return merging.Count(second) > 0; })) << second << " never reported " << id;
    // Later records (task events, lookups) keep arriving; fold them in too.
    for (auto& engine : engines_) engine->RequestLookup(id);
    WaitFor([&] { return merging.Count("containerd") > 1 && merging.Count("cri") > 1; }, 2s);

    std::string order;
    for (const auto& step : merging.steps()) order += step.source + ":" + step.name + " ";
    std::printf("[merge] %s\n", order.c_str());
    bool cri_seen = false;
    for (const auto& step : merging.steps()) {
      cri_seen = cri_seen || step.source == "cri";
      if (cri_seen) {
        EXPECT_EQ(step.name, k8s_name) << "after a " << step.source << " record";
      }
      EXPECT_NE(step.name, id) << "bare id after a " << step.source << " record";
    }
    auto merged = merging.merged();
    ASSERT_TRUE(merged.has_value());
    EXPECT_EQ(merged->name, k8s_name);
    EXPECT_EQ(merged->pod_sandbox_id, sandbox);
    // Without kubelet the pod labels exist only in the CRI record: a native
    // record arriving last must not drop them.
    EXPECT_EQ(merged->labels.count("io.kubernetes.pod.name"), 1u);
    EXPECT_EQ(merged->labels.count("io.kubernetes.pod.namespace"), 1u);

    for (auto& engine : engines_) engine->Stop();
    engines_.clear();
  }
}

TEST_F(RealContainerdEngineTest, ContainerdEngineSurvivesKill9AndRestart) {
  RecordingSink sink;
  auto& engine = StartEngine<ContainerdEngine>(sink);
  const std::string before = RealContainerd::UniqueId("before-kill");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", before)) << containerd_->last_error();
  ASSERT_TRUE(sink.WaitForAdded(before).has_value());
  const uint64_t reconnects_before = engine.stats().reconnects;

  containerd_->Kill9();
  EXPECT_TRUE(WaitFor([&] { return !engine.stats().connected; })) << "engine never noticed the kill";
  std::string error;
  ASSERT_TRUE(containerd_->Restart(&error)) << error;
  EXPECT_TRUE(WaitFor([&] { return engine.stats().connected; })) << engine.stats().last_error;

  const std::string after = RealContainerd::UniqueId("after-restart");
  ASSERT_TRUE(containerd_->CreateCtrContainer("default", after, true, {{"phase", "after"}}))
      << containerd_->last_error();
  auto reported = sink.WaitForAdded(after);
  ASSERT_TRUE(reported.has_value()) << "container created after the restart not reported";
  EXPECT_EQ(Label(*reported, "phase"), "after");
  EXPECT_GE(engine.stats().reconnects, 1u);
  EXPECT_GT(engine.stats().reconnects, reconnects_before);
}

}  // namespace
}  // namespace testengines
