#include "plugin/thread_tagger.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/event_codec.h"
#include "plugin/host_logger.h"
#include "test_tables.h"

namespace libcontainer {
namespace {

using testing::DockerThread;
using testing::FakeEngine;
using testing::HostThread;
using testing::kDockerId;
using testing::kDockerShortId;

constexpr auto kNone = static_cast<uint16_t>(ProcessCategory::kNone);
constexpr auto kContainer = static_cast<uint16_t>(ProcessCategory::kContainer);
constexpr auto kHealthcheck = static_cast<uint16_t>(ProcessCategory::kHealthcheck);

class NullSink : public ContainerSink {
 public:
  void OnContainer(const ContainerInfo&) override {}
  void OnContainerRemoved(const ContainerInfo&) override {}
};

// The async events the tagger emits, as (name, payload).
std::vector<std::pair<std::string, std::string>> g_emitted;

class ThreadTaggerTest : public ::testing::Test {
 protected:
  ThreadTaggerTest() {
    g_emitted.clear();
    auto engine = std::make_unique<FakeEngine>("docker");
    engine_ = engine.get();
    std::vector<std::unique_ptr<ContainerEngine>> engines;
    engines.push_back(std::move(engine));
    engines_ = std::make_unique<EngineSet>(std::move(engines), logger_);
    engines_->Start(sink_);
    emitter_.SetHandler(nullptr, [](ss_plugin_owner_t*, const ss_plugin_event* evt, char*) -> ss_plugin_rc {
      auto view = EventView::Parse(evt);
      if (view) g_emitted.emplace_back(*view->ParamString(1), *view->ParamString(2));
      return SS_PLUGIN_SUCCESS;
    });
    tagger_ =
        std::make_unique<ThreadTagger>(tables_.table(), store_, *engines_, emitter_, MatcherOptions{}, 16);
  }
  ~ThreadTaggerTest() override {
    EXPECT_EQ(tables_.host().OutstandingRefs(), 0) << "an entry was not released";
  }

  void Tag(int64_t tid, int64_t child = 0) {
    tagger_->TagEventThreads(tables_.reader(), tables_.writer(), tid, child);
  }

  void AddDockerRecord(std::optional<ProbeCommand> healthcheck = std::nullopt) {
    auto info = std::make_shared<ContainerInfo>();
    info->id = kDockerShortId;
    info->full_id = kDockerId;
    info->name = "web";
    info->image = "nginx";
    info->healthcheck = std::move(healthcheck);
    store_.Store(1, std::move(info), false);
  }

  testing::TestTables tables_;
  HostLogger logger_;
  AsyncEmitter emitter_{logger_};
  NullSink sink_;
  ContainerStore store_{StaticContainerConfig{}};
  FakeEngine* engine_ = nullptr;
  std::unique_ptr<EngineSet> engines_;
  std::unique_ptr<ThreadTagger> tagger_;
};

TEST_F(ThreadTaggerTest, TagsAContainerThreadAndAHostThread) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  tables_.host().Put(HostThread(200));
  Tag(100);
  Tag(200);
  EXPECT_EQ(tables_.ContainerId(100), kDockerShortId);
  EXPECT_EQ(tables_.Category(100), kContainer);
  EXPECT_EQ(tables_.ContainerId(200), "");
  EXPECT_EQ(tables_.Category(200), kNone);
}

TEST_F(ThreadTaggerTest, TagsTheChildOfANewProcess) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  tables_.host().Put(DockerThread(101, 2, kDockerId, 100));
  Tag(100, 101);
  EXPECT_EQ(tables_.ContainerId(101), kDockerShortId);
  // The child inherits its parent's category.
  EXPECT_EQ(tables_.Category(101), kContainer);
}

TEST_F(ThreadTaggerTest, AnUnknownContainerIsAskedOfTheEnginesOnce) {
  tables_.host().Put(DockerThread(100, 5));
  Tag(100);
  Tag(100);
  EXPECT_EQ(tables_.ContainerId(100), kDockerShortId);
  EXPECT_EQ(engine_->lookups, std::vector<std::string>{kDockerId});
  EXPECT_EQ(store_.unknown_ids(), 1u);
}

TEST_F(ThreadTaggerTest, ACgroupOnlyContainerIsRecordedAndAnnounced) {
  auto spec = HostThread(100);
  spec.cgroups = {{"cpuset", "/lxc/mybox"}};
  tables_.host().Put(spec);
  Tag(100);
  EXPECT_EQ(tables_.ContainerId(100), "mybox");
  ASSERT_NE(store_.Find("mybox"), nullptr);
  ASSERT_EQ(g_emitted.size(), 1u);
  EXPECT_EQ(g_emitted[0].first, "container");
  EXPECT_NE(g_emitted[0].second.find("mybox"), std::string::npos);
  EXPECT_TRUE(engine_->lookups.empty());
  Tag(100);
  EXPECT_EQ(g_emitted.size(), 1u);
}

TEST_F(ThreadTaggerTest, CountsCgroupCacheHitsAndMisses) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  Tag(100);
  const uint64_t misses = tagger_->cgroup_cache_misses();
  EXPECT_GT(misses, 0u);
  Tag(100);
  EXPECT_GT(tagger_->cgroup_cache_hits(), 0u);
  EXPECT_EQ(tagger_->cgroup_cache_misses(), misses);
}

TEST_F(ThreadTaggerTest, AProcessStartedInsideTheContainerIsAContainerProcess) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  Tag(100);
  // An uncategorised parent below the container init: the walk finds it.
  tables_.host().Put(DockerThread(101, 2, kDockerId, 100));
  tables_.host().Put(DockerThread(102, 3, kDockerId, 101));
  Tag(102);
  EXPECT_EQ(tables_.Category(102), kContainer);
}

TEST_F(ThreadTaggerTest, AProbeExecdFromOutsideTakesTheProbesCategory) {
  AddDockerRecord(ProbeCommand{"/bin/sh", {"-c", "curl -f localhost"}});
  // runc exec: the parent is a host process outside the container.
  tables_.host().Put(HostThread(50));
  auto probe = DockerThread(300, 7, kDockerId, 50);
  probe.exe = "/bin/sh";
  probe.args = {"-c", "curl -f localhost"};
  tables_.host().Put(probe);
  Tag(300);
  EXPECT_EQ(tables_.Category(300), kHealthcheck);
}

TEST_F(ThreadTaggerTest, TheAncestorWalkEndsOnALoop) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(400, 4, kDockerId, 401));
  tables_.host().Put(DockerThread(401, 5, kDockerId, 400));
  Tag(400);
  EXPECT_EQ(tables_.Category(400), kNone);
  EXPECT_EQ(tables_.ContainerId(400), kDockerShortId);
}

TEST_F(ThreadTaggerTest, TagAllTagsEveryThread) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  tables_.host().Put(HostThread(200));
  const auto result = tagger_->TagAll(tables_.reader(), tables_.writer());
  EXPECT_EQ(result.tagged, 2u);
  EXPECT_EQ(result.failed, 0u);
  EXPECT_EQ(tables_.ContainerId(100), kDockerShortId);
  EXPECT_EQ(tables_.ContainerId(200), "");
}

TEST_F(ThreadTaggerTest, FindsTheContainerOfAnExitingInit) {
  AddDockerRecord();
  tables_.host().Put(DockerThread(100, 1));
  tables_.host().Put(DockerThread(101, 2, kDockerId, 100));
  Tag(100, 101);
  auto info = tagger_->ContainerOfInit(tables_.reader(), 100);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "web");
  EXPECT_EQ(tagger_->ContainerOfInit(tables_.reader(), 101), nullptr);
  EXPECT_EQ(tagger_->ContainerOfInit(tables_.reader(), 999), nullptr);
}

TEST(ThreadTaggerStaticTest, TheStaticContainerTagsEveryThread) {
  testing::TestTables tables;
  HostLogger logger;
  AsyncEmitter emitter(logger);
  StaticContainerConfig config;
  config.enabled = true;
  config.container_id = "static-box";
  ContainerStore store(config);
  EngineSet engines({}, logger);
  ThreadTagger tagger(tables.table(), store, engines, emitter, MatcherOptions{}, 16);
  tables.host().Put(HostThread(200));
  tagger.TagEventThreads(tables.reader(), tables.writer(), 200, 0);
  EXPECT_EQ(tables.ContainerId(200), "static-box");
}

}  // namespace
}  // namespace libcontainer
