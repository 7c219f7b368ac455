// PodmanEventsLog against a temporary events log written by the test the way
// podman writes it (one JSON line per event, appended).
#include "engines/podman/podman_events_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engines/fake_engine.h"

namespace libcontainer {
namespace {

using engine_testing::CapturingLogger;
using engine_testing::Id;
using engine_testing::PodmanLogLine;
using engine_testing::WaitFor;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

void Append(const std::string& path, std::string_view text) {
  std::ofstream(path, std::ios::app) << text;
}

class PodmanEventsLogTest : public ::testing::Test {
 protected:
  PodmanEventsLogTest() {
    char tmpl[] = "/tmp/podman-events-log-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/events/events.log";
  }
  ~PodmanEventsLogTest() override {
    log_.reset();
    fs::remove_all(dir_);
  }

  void StartLog() {
    PodmanEventsLog::Callbacks callbacks;
    callbacks.on_event = [this](const EngineEvent& event) {
      std::lock_guard lock(mu_);
      events_.push_back(event);
    };
    callbacks.on_malformed = [this] { malformed_calls_.fetch_add(1); };
    log_ = std::make_unique<PodmanEventsLog>(path_, std::move(callbacks), logger_, 20ms, warning_interval_);
    log_->Start();
  }
  std::vector<EngineEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  bool WaitForEvents(size_t n) {
    return WaitFor([&] { return events().size() >= n; });
  }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const auto& event : events()) ids.push_back(event.id);
    return ids;
  }

  std::string dir_, path_;
  // Every skipped line logged, unless a test wants the flood rule.
  std::chrono::milliseconds warning_interval_{0};
  std::atomic<uint64_t> malformed_calls_{0};
  CapturingLogger logger_;
  mutable std::mutex mu_;
  std::vector<EngineEvent> events_;
  std::unique_ptr<PodmanEventsLog> log_;
};

TEST_F(PodmanEventsLogTest, DeliversAppendedLinesNotHistory) {
  fs::create_directories(dir_ + "/events");
  Append(path_, PodmanLogLine("create", Id("old")));
  StartLog();
  Append(path_, PodmanLogLine("create", Id("a1")) + PodmanLogLine("remove", Id("a1")));
  ASSERT_TRUE(WaitForEvents(2));
  const auto got = events();
  EXPECT_EQ(Ids(), (std::vector<std::string>{Id("a1"), Id("a1")}));
  EXPECT_EQ(got[0].kind, EngineEvent::Kind::kCreate);
  EXPECT_EQ(got[0].name, "x");
  EXPECT_EQ(got[0].image, "busybox:1.36");
  EXPECT_EQ(got[0].labels.at("app"), "web");
  EXPECT_EQ(got[0].time_nano, 1795460922000000000);
  EXPECT_EQ(got[1].kind, EngineEvent::Kind::kRemove);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "following events log " + path_));
}

TEST_F(PodmanEventsLogTest, OnlyCompleteLinesAreRead) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  // Half a line behind a whole one: once the whole one is in, so is the half.
  const std::string line = PodmanLogLine("start", Id("b2"));
  Append(path_, PodmanLogLine("create", Id("b1")) + line.substr(0, 40));
  ASSERT_TRUE(WaitForEvents(1));
  Append(path_, line.substr(40));
  ASSERT_TRUE(WaitForEvents(2));
  EXPECT_EQ(Ids(), (std::vector<std::string>{Id("b1"), Id("b2")}));
  EXPECT_EQ(events()[1].kind, EngineEvent::Kind::kStart);
  EXPECT_EQ(log_->malformed(), 0u);
}

TEST_F(PodmanEventsLogTest, FileCreatedAfterStart) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  Append(path_, PodmanLogLine("create", Id("c1")));
  ASSERT_TRUE(WaitForEvents(1));
  EXPECT_EQ(Ids(), std::vector<std::string>{Id("c1")});
}

TEST_F(PodmanEventsLogTest, DirectoryCreatedAfterStart) {
  StartLog();  // no events/ directory yet: looked for every 20 ms
  fs::create_directories(dir_ + "/events");
  Append(path_, PodmanLogLine("create", Id("d1")));
  ASSERT_TRUE(WaitForEvents(1));
  EXPECT_EQ(Ids(), std::vector<std::string>{Id("d1")});
  // And again once the directory is removed and made anew.
  fs::remove_all(dir_ + "/events");
  fs::create_directories(dir_ + "/events");
  Append(path_, PodmanLogLine("create", Id("d2")));
  ASSERT_TRUE(WaitForEvents(2));
  EXPECT_EQ(Ids(), (std::vector<std::string>{Id("d1"), Id("d2")}));
}

TEST_F(PodmanEventsLogTest, TruncatedInPlace) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  Append(path_, PodmanLogLine("create", Id("e1")) + PodmanLogLine("start", Id("e1")));
  ASSERT_TRUE(WaitForEvents(2));
  fs::resize_file(path_, 0);
  Append(path_, PodmanLogLine("create", Id("e2")));
  ASSERT_TRUE(WaitForEvents(3));
  EXPECT_EQ(Ids(), (std::vector<std::string>{Id("e1"), Id("e1"), Id("e2")}));
  EXPECT_EQ(log_->malformed(), 0u);
}

TEST_F(PodmanEventsLogTest, DeletedAndCreatedAgainIsReadFromItsStart) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  Append(path_, PodmanLogLine("create", Id("f1")));
  ASSERT_TRUE(WaitForEvents(1));
  fs::remove(path_);
  Append(path_, PodmanLogLine("create", Id("f2")));
  ASSERT_TRUE(WaitForEvents(2));
  EXPECT_EQ(Ids(), (std::vector<std::string>{Id("f1"), Id("f2")}));
}

TEST_F(PodmanEventsLogTest, ReplacedByRenameIsFollowedFromItsEnd) {
  // How podman rotates: old lines copied to a new file renamed over the log.
  fs::create_directories(dir_ + "/events");
  StartLog();
  Append(path_, PodmanLogLine("create", Id("g1")));
  ASSERT_TRUE(WaitForEvents(1));
  const std::string rotated = dir_ + "/events/events.log.tmp";
  Append(rotated, PodmanLogLine("create", Id("g1")));
  fs::rename(rotated, path_);
  // Lines appended before the log saw the rename are not read (the API stream
  // has them): append until one is.
  ASSERT_TRUE(WaitFor([&] {
    if (events().size() < 2) Append(path_, PodmanLogLine("create", Id("g2")));
    return events().size() >= 2;
  }));
  // The copied g1 is not read again.
  for (size_t i = 1; i < events().size(); ++i) EXPECT_EQ(events()[i].id, Id("g2"));
}

TEST_F(PodmanEventsLogTest, MalformedLinesAreSkippedAndCounted) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  Append(path_, "not json\n" + PodmanLogLine("create", Id("h1")).substr(0, 30) + "\n" +
                    PodmanLogLine("pull", Id("i1"), "2026-11-23T19:08:42Z", "image") +
                    std::string(PodmanEventsLog::kMaxLineBytes + 10, 'x') + "\n" +
                    PodmanLogLine("create", Id("h2")));
  ASSERT_TRUE(WaitForEvents(1));
  EXPECT_EQ(Ids(), std::vector<std::string>{Id("h2")});
  EXPECT_EQ(log_->malformed(), 3u);        // image events are not malformed
  EXPECT_EQ(log_->lines(), 4u);            // the overlong one is never a line
  EXPECT_EQ(malformed_calls_.load(), 3u);  // what the engine's counter counts
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "skipping malformed line in " + path_ + ": not json"));
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, "skipping overlong line"));
}

// A flood of garbage between good lines (issue 11, faults): every good line
// is still handled, every bad one counted, and the log gets the first one
// and then a count, not a line per bad line.
TEST_F(PodmanEventsLogTest, AFloodOfGarbageIsCountedAndLoggedBounded) {
  constexpr size_t kBatches = 20, kGarbagePerBatch = 500;
  warning_interval_ = 3600s;  // the whole flood falls in one interval
  fs::create_directories(dir_ + "/events");
  StartLog();
  std::vector<std::string> expected;
  for (size_t batch = 0; batch < kBatches; ++batch) {
    std::string text;
    for (size_t n = 0; n < kGarbagePerBatch; ++n) {
      // Words, JSON cut short, stray bytes with a NUL, a lone bracket.
      switch (n % 4) {
        case 0:
          text += "garbage " + std::to_string(batch) + "-" + std::to_string(n) + "\n";
          break;
        case 1:
          text += PodmanLogLine("create", Id("zz")).substr(0, 40) + "\n";
          break;
        case 2:
          text += std::string("\xff\xfe\x00{\"Type\":\n", 12);
          break;
        default:
          text += "[\n";
      }
    }
    const std::string id = Id("f" + std::to_string(batch));
    text += PodmanLogLine("create", id);
    expected.push_back(id);
    Append(path_, text);
  }
  ASSERT_TRUE(WaitForEvents(kBatches));
  EXPECT_EQ(Ids(), expected);
  EXPECT_EQ(log_->malformed(), kBatches * kGarbagePerBatch);
  EXPECT_EQ(malformed_calls_.load(), kBatches * kGarbagePerBatch);
  EXPECT_EQ(logger_.Count(LogLevel::kWarning, "skipping malformed line in " + path_), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kWarning, ": garbage 0-0"));
  // The count of the rest comes when the log is no longer followed.
  log_->Stop();
  EXPECT_TRUE(
      logger_.Contains(LogLevel::kWarning, "podman: " + std::to_string(kBatches * kGarbagePerBatch - 1) +
                                               " more malformed lines in " + path_ + " were not logged"));
  EXPECT_EQ(logger_.Count(LogLevel::kWarning, "malformed line"), 2u);
}

TEST_F(PodmanEventsLogTest, StopIsPromptAndIdempotent) {
  fs::create_directories(dir_ + "/events");
  StartLog();
  log_->Stop();  // wakes the poll that waits for ever: a hang here is the failure
  log_->Stop();
  Append(path_, PodmanLogLine("create", Id("j1")));
  log_.reset();
  EXPECT_TRUE(events().empty());
  // Stopping while the directory is still being looked for.
  path_ = dir_ + "/missing/events.log";
  StartLog();
  log_->Stop();
  EXPECT_TRUE(logger_.Contains(LogLevel::kDebug, "cannot watch " + dir_ + "/missing"));
}

}  // namespace
}  // namespace libcontainer
