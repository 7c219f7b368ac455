// Containers removed while a watcher did not follow its engine (the daemon
// was down, or restarting while the watcher backed off): their removal events
// are never read, so the socket's new listing must report them removed, or
// the plugin's cache keeps them for good. Against the fake docker and
// containerd servers; the real daemons are in the churn soak test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engines/containerd/containerd_engine.h"
#include "engines/docker/docker_engine.h"
#include "engines/fake_containerd_server.h"
#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::CapturingLogger;
using engine_testing::EventLine;
using engine_testing::FakeEngine;
using engine_testing::FastTiming;
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::RecordingSink;
using engine_testing::UniqueSocketPath;
using engine_testing::WaitFor;

size_t Removals(const RecordingSink& sink, const std::string& full_id) {
  size_t n = 0;
  for (const auto& info : sink.removed()) n += info.full_id == full_id;
  return n;
}

std::string DockerInspect(const std::string& id) {
  return R"({"Id":")" + id + R"(","Name":"/n-)" + id.substr(0, 4) +
         R"(","Config":{"Image":"busybox:1.36"},"HostConfig":{"NetworkMode":"none"}})";
}

// A docker daemon behind a symlink, so that it can die and come back with
// other containers: each life is a FakeEngine of its own.
class DockerGoneWhileDownTest : public ::testing::Test {
 protected:
  DockerGoneWhileDownTest() {
    char tmpl[] = "/tmp/gone-while-down-XXXXXX";
    dir_ = mkdtemp(tmpl);
    link_ = dir_ + "/docker.sock";
  }
  ~DockerGoneWhileDownTest() override {
    engine_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A daemon life with `ids` (and `unreadable`, listed but inspected as garbage); the previous one
  // is gone first.
  void StartDaemon(const std::vector<std::string>& ids, const std::vector<std::string>& unreadable = {}) {
    server_.reset();
    fake_ = std::make_unique<FakeEngine>(FakeEngine::kDockerVersion);
    for (const auto& id : ids) fake_->SetContainer(id, DockerInspect(id));
    for (const auto& id : unreadable) fake_->SetContainer(id, "{not json");
    server_ = std::make_unique<FakeHttpServer>(fake_->Handler());
    std::filesystem::remove(link_);
    std::filesystem::create_symlink(server_->socket_path(), link_);
  }

  std::string dir_, link_;
  CapturingLogger logger_;
  RecordingSink sink_;
  std::unique_ptr<FakeEngine> fake_;
  std::unique_ptr<FakeHttpServer> server_;
  std::unique_ptr<DockerEngine> engine_;
};

TEST_F(DockerGoneWhileDownTest, TheNewListingReportsWhatWentAwayWhileTheDaemonWasDown) {
  StartDaemon({Id("c1"), Id("c2"), Id("c3")});
  engine_ =
      std::make_unique<DockerEngine>(std::vector<std::string>{link_}, PluginConfig{}, logger_, FastTiming());
  engine_->Start(sink_);
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  ASSERT_TRUE(WaitFor([&] { return fake_->subscriptions() >= 1; }));
  // Shown by an event rather than the listing; and one removed by its event.
  fake_->SetContainer(Id("c4"), DockerInspect(Id("c4")));
  fake_->PushEvent(EventLine("create", Id("c4")));
  fake_->SetContainer(Id("c6"), DockerInspect(Id("c6")));
  fake_->PushEvent(EventLine("create", Id("c6")));
  ASSERT_TRUE(WaitFor([&] { return sink_.CountAdded(Id("c4")) >= 2 && sink_.CountAdded(Id("c6")) >= 2; }));
  fake_->PushEvent(EventLine("destroy", Id("c6")));
  ASSERT_TRUE(WaitFor([&] { return Removals(sink_, Id("c6")) == 1; }));
  EXPECT_EQ(engine_->stats().containers_known, 4u);

  // The daemon dies; when it is back, c1, c3 and c4 were removed and c5 made meanwhile.
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartDaemon({Id("c2"), Id("c5")});
  ASSERT_TRUE(sink_.WaitForAdded(Id("c5")).has_value());
  ASSERT_TRUE(WaitFor([&] {
    return Removals(sink_, Id("c1")) == 1 && Removals(sink_, Id("c3")) == 1 && Removals(sink_, Id("c4")) == 1;
  })) << "what went away while the daemon was down was not reported removed";
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  EXPECT_EQ(Removals(sink_, Id("c2")), 0u);
  EXPECT_EQ(Removals(sink_, Id("c6")), 1u) << "a removal already reported is not reported again";
  EXPECT_EQ(engine_->stats().containers_known, 2u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "3 containers went away while"));
  EXPECT_EQ(engine_->stats().removals_relisted, 3u) << "the removal read from its event is not counted";

  // A second outage with nothing changed reports nothing.
  const size_t removals = sink_.removed().size();
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartDaemon({Id("c2"), Id("c5")});
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  ASSERT_TRUE(WaitFor([&] { return sink_.CountAdded(Id("c5")) >= 2; }));
  EXPECT_EQ(sink_.removed().size(), removals);
  EXPECT_EQ(engine_->stats().removals_relisted, 3u);
}

TEST_F(DockerGoneWhileDownTest, AListedContainerWithAnUnusableInspectIsNotReportedRemoved) {
  StartDaemon({Id("c1"), Id("c2")});
  engine_ =
      std::make_unique<DockerEngine>(std::vector<std::string>{link_}, PluginConfig{}, logger_, FastTiming());
  engine_->Start(sink_);
  ASSERT_TRUE(engine_->WaitForInitialList(kGuard));
  ASSERT_TRUE(sink_.Added(Id("c2")).has_value());
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  // Back with c2 still listed, but its inspect unusable: that says nothing of it going away.
  StartDaemon({Id("c1")}, {Id("c2")});
  ASSERT_TRUE(WaitFor([&] { return engine_->stats().connected; }));
  ASSERT_TRUE(WaitFor(
      [&] { return logger_.Contains(LogLevel::kWarning, "unusable inspect of container " + Id("c2")); }));
  EXPECT_EQ(Removals(sink_, Id("c2")), 0u);
  EXPECT_EQ(engine_->stats().containers_known, 2u);
  // Gone for real at the next listing.
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine_->stats().connected; }));
  StartDaemon({Id("c1")});
  ASSERT_TRUE(WaitFor([&] { return Removals(sink_, Id("c2")) == 1; }));
  EXPECT_EQ(Removals(sink_, Id("c1")), 0u);
}

TEST(ContainerdGoneWhileDownTest, TheNewListingReportsWhatWentAwayWhileTheDaemonWasDown) {
  namespace containers_v1 = ::containerd::services::containers::v1;
  auto container = [](const std::string& id) {
    containers_v1::Container c;
    c.set_id(id);
    c.set_image("docker.io/library/busybox:1.36");
    return c;
  };
  const std::string socket = UniqueSocketPath("gone-while-down");
  CapturingLogger logger;
  RecordingSink sink;
  auto server = std::make_unique<testing::FakeContainerdServer>(socket);
  server->AddContainer("default", container(Id("d1")));
  server->AddContainer("k8s.io", container(Id("d2")));
  auto engine = std::make_unique<ContainerdEngine>(std::vector<std::string>{socket}, PluginConfig{}, logger,
                                                   FastTiming());
  engine->Start(sink);
  ASSERT_TRUE(engine->WaitForInitialList(kGuard));
  ASSERT_TRUE(sink.Added(Id("d1")).has_value());

  server.reset();
  ASSERT_TRUE(WaitFor([&] { return !engine->stats().connected; }));
  server = std::make_unique<testing::FakeContainerdServer>(socket);
  server->AddContainer("k8s.io", container(Id("d2")));
  server->AddContainer("default", container(Id("d3")));
  ASSERT_TRUE(sink.WaitForAdded(Id("d3")).has_value());
  ASSERT_TRUE(WaitFor([&] { return Removals(sink, Id("d1")) == 1; }));
  EXPECT_EQ(Removals(sink, Id("d2")), 0u);
  EXPECT_EQ(sink.removed()[0].type, ContainerType::kContainerd);
  EXPECT_TRUE(WaitFor([&] { return engine->stats().containers_known == 2; }));
  engine.reset();
  server.reset();
  ::unlink(socket.c_str());
}

}  // namespace
}  // namespace libcontainer
