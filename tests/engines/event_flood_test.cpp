// An events stream flooded with lines that are not JSON (issue 11, faults):
// no crash, each counted, the log told of the first one and then only with a
// count (never a line per bad line), and the valid events that follow are
// still handled. RepeatedWarning's own rules too.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engines/docker/docker_engine.h"
#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "engines/fault_scripts.h"
#include "engines/repeated_warning.h"

namespace libcontainer::fault_testing {
namespace {

constexpr size_t kGarbageLines = 100000;

// Garbage of several kinds: words, JSON cut short, stray bytes (not UTF-8,
// a NUL), a lone bracket. None of it is JSON.
std::string GarbageLine(size_t n) {
  switch (n % 5) {
    case 0:
      return "garbage " + std::to_string(n);
    case 1:
      return R"({"status":"create","id":")" + Id("g1") + R"(","Type":"container","Action":)";
    case 2:
      return std::string("\xff\xfe\x00{\"Type\":", 10);
    case 3:
      return "[";
    default:
      return R"({"Type":"container","Actor":{"ID":"abc"}} trailing)";
  }
}

TEST(EventFloodTest, MalformedLinesAreCountedLoggedOnceAndDoNotHideTheNextEvents) {
  FakeEngine fake(FakeEngine::kDockerVersion);
  CapturingLogger logger;
  RecordingSink sink;
  FakeHttpServer server(fake.Handler());
  EngineTiming timing = FastTiming();
  timing.repeated_warning_interval = 3600s;  // the whole flood falls in one interval
  DockerEngine engine({server.socket_path()}, PluginConfig{}, logger, timing);
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  ASSERT_TRUE(WaitFor([&] { return fake.subscriptions() == 1; }));

  // 1,000 lines per write, as a flood comes; JSON that is no container event
  // in between is not malformed.
  for (size_t batch = 0; batch < kGarbageLines / 1000; ++batch) {
    std::string lines;
    for (size_t n = batch * 1000; n < (batch + 1) * 1000; ++n) lines += GarbageLine(n) + "\n";
    lines += R"({"Type":"network","Action":"connect","Actor":{"ID":"n1"}})";
    fake.PushEvent(lines);
  }
  fake.SetContainer(Id("v1"), InspectDoc(Id("v1"), "valid"));
  fake.PushEvent(EventLine("create", Id("v1")));
  // A hang guard sized for the sanitizer builds, which parse far slower.
  ASSERT_TRUE(WaitFor([&] { return sink.CountAdded(Id("v1")) == 2; }, std::chrono::minutes(1)));
  const auto valid = sink.WaitForAddedNth(Id("v1"), 1);
  ASSERT_TRUE(valid.has_value());
  EXPECT_EQ(valid->name, "valid");

  const auto stats = engine.stats();
  EXPECT_EQ(stats.malformed_events, kGarbageLines);
  EXPECT_EQ(stats.events, 1u);
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "skipping malformed event from " + server.socket_path()), 1u);
  EXPECT_TRUE(logger.Contains(LogLevel::kWarning, ": garbage 0"));

  // The count of the rest comes with the end of the stream that carried them.
  fake.EndStreams();
  const std::string summary = "docker: " + std::to_string(kGarbageLines - 1) +
                              " more malformed events from " + server.socket_path() + " were not logged";
  ASSERT_TRUE(WaitFor([&] { return logger.Contains(LogLevel::kWarning, summary); }));
  ASSERT_TRUE(WaitFor([&] { return fake.subscriptions() == 2; }));
  engine.Stop();
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "malformed event"), 2u);
}

TEST(RepeatedWarningTest, LogsTheFirstThenCountsUntilTheInterval) {
  CapturingLogger logger;
  RepeatedWarning warning(logger, "docker", "bad lines", 3600s);
  int described = 0;
  for (int i = 0; i < 10; ++i) {
    warning.Note([&] {
      ++described;
      return "bad line " + std::to_string(i);
    });
  }
  EXPECT_EQ(described, 1);  // nothing is built for what is not logged
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "bad line"), 1u);
  warning.Flush();
  EXPECT_TRUE(logger.Contains(LogLevel::kWarning, "docker: 9 more bad lines were not logged"));
  warning.Flush();  // nothing left to tell
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "more bad lines"), 1u);
  // After a flush the next occurrence is news again.
  warning.Note([] { return std::string("bad line again"); });
  EXPECT_TRUE(logger.Contains(LogLevel::kWarning, "bad line again"));
}

TEST(RepeatedWarningTest, AnOccurrenceAfterTheIntervalIsLoggedWithTheCount) {
  CapturingLogger logger;
  RepeatedWarning warning(logger, "docker", "bad lines", 0ms);  // every interval is over at once
  warning.Note([] { return std::string("first"); });
  warning.Note([] { return std::string("second"); });
  EXPECT_TRUE(logger.Contains(LogLevel::kWarning, "first"));
  EXPECT_TRUE(logger.Contains(LogLevel::kWarning, "second"));
  EXPECT_FALSE(logger.Contains(LogLevel::kWarning, "were not logged"));
}

}  // namespace
}  // namespace libcontainer::fault_testing
