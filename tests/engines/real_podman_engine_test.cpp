// PodmanEngine against a real podman 4.3 service (the RealPodman fixture, events_logger = "file")
// with its events log followed: the log's lines decode, and the API stream's later copy of each event
// is recognised as the same event. Times are never asserted; waits are hang guards.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/plugin_config.h"
#include "engines/fake_engine.h"
#include "engines/podman/podman_engine.h"
#include "engines/real_engines.h"

namespace testengines {
namespace {

using libcontainer::PluginConfig;
using libcontainer::PodmanEngine;
using libcontainer::engine_testing::CapturingLogger;
using libcontainer::engine_testing::kGuard;
using libcontainer::engine_testing::RecordingSink;
using libcontainer::engine_testing::WaitFor;

size_t CountRemoved(const RecordingSink& sink, const std::string& full_id) {
  size_t n = 0;
  for (const auto& info : sink.removed()) n += info.full_id == full_id;
  return n;
}

// A podman service of its own for each test; without one the test is skipped
// (failed under CI=true).
class RealPodmanEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    podman_ = RealPodman::Start(&error);
    if (podman_) return;
    if (RequireRealEngines()) FAIL() << "podman did not start:\n" << error;
    GTEST_SKIP() << "podman did not start:\n" << error;
  }

  std::unique_ptr<RealPodman> podman_;
};

TEST_F(RealPodmanEngine, EventsLogAndApiStreamDeliverEachEventOnce) {
  RealPodman* podman = podman_.get();
  CapturingLogger logger;
  RecordingSink sink;
  // A private host root: no rootless users' sockets of this machine.
  PodmanEngine engine({podman->socket()}, std::vector<std::string>{podman->events_log()},
                      podman->dir() + "/host-root", PluginConfig{}, logger);
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  ASSERT_TRUE(engine.stats().connected) << engine.stats().last_error;

  const std::string id = podman->CreateContainer("file-and-stream", {"--label", "app=web"});
  ASSERT_FALSE(id.empty()) << podman->last_error();
  // The event's own record (from the log line), then the inspect.
  ASSERT_TRUE(sink.WaitForAddedNth(id, 1).has_value());
  const auto first = sink.Added(id);
  EXPECT_EQ(first->name, "file-and-stream");
  EXPECT_EQ(first->labels.at("app"), "web");
  ASSERT_TRUE(WaitFor([&] { return engine.stats().file_events >= 1; }));

  ASSERT_TRUE(podman->RemoveContainer(id)) << podman->last_error();
  ASSERT_TRUE(WaitFor([&] { return CountRemoved(sink, id) >= 1; }));
  // The API stream's create and remove, polled from the same file: its remove
  // comes after its create, so both copies have been seen.
  ASSERT_TRUE(WaitFor([&] { return engine.stats().events >= 2; }));
  engine.Stop();
  EXPECT_EQ(sink.CountAdded(id), 2u) << "an event was handled twice";
  EXPECT_EQ(CountRemoved(sink, id), 1u);
  EXPECT_TRUE(logger.Contains(libcontainer::LogLevel::kInfo, "following events log " + podman->events_log()));
}

TEST_F(RealPodmanEngine, FindsTheEventsLogOfAServiceWithAPrivateTmpdir) {
  RealPodman* podman = podman_.get();
  CapturingLogger logger;
  RecordingSink sink;
  // The service's own files are read at their real paths: no host root.
  PodmanEngine engine({podman->socket()}, std::nullopt, "", PluginConfig{}, logger);
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  ASSERT_TRUE(WaitFor([&] { return engine.stats().connected; }));
  // Its CONTAINERS_CONF sets no path; the --tmpdir of its command line does.
  EXPECT_TRUE(logger.Contains(
      libcontainer::LogLevel::kInfo,
      "events log of " + podman->socket() + ": " + podman->events_log() + " (the service's --tmpdir)"));
  const std::string id = podman->CreateContainer("discovered-log");
  ASSERT_FALSE(id.empty()) << podman->last_error();
  ASSERT_TRUE(WaitFor([&] { return engine.stats().file_events >= 1; }));
  engine.Stop();
}

}  // namespace
}  // namespace testengines
