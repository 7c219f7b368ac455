// LookupQueue and ReconnectPolicy: the retry, bound and backoff rules every
// watcher shares, checked without any engine.
#include "engines/lookup_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "engines/fake_engine.h"
#include "engines/reconnect_policy.h"

namespace libcontainer {
namespace {

using namespace std::chrono_literals;
using engine_testing::CapturingLogger;
using engine_testing::kGuard;
using engine_testing::WaitFor;

EngineTiming QuickRetries() {
  EngineTiming timing;
  timing.lookup_attempts = 3;
  timing.lookup_retry_initial = 1ms;
  timing.lookup_queue_capacity = 2;
  return timing;
}

// Counts the attempts per id; an id is found from its `found_at`-th attempt.
struct ScriptedAttempts {
  std::mutex mu;
  std::map<std::string, int> tries;
  std::map<std::string, int> found_at;
  int Tries(const std::string& id) {
    std::lock_guard lock(mu);
    return tries[id];
  }
  bool operator()(const std::string& id) {
    std::lock_guard lock(mu);
    const int n = ++tries[id];
    return found_at.count(id) != 0 && n >= found_at[id];
  }
};

TEST(LookupQueueTest, RetriesUntilFoundThenGivesUpOnTheRest) {
  CapturingLogger logger;
  EngineCounters counters;
  ScriptedAttempts attempts;
  attempts.found_at["late"] = 2;
  LookupQueue queue("test", logger, QuickRetries(), counters);
  queue.Start([&](const std::string& id) { return attempts(id); });
  queue.Request("late");
  queue.Request("never");
  ASSERT_TRUE(WaitFor([&] { return counters.lookup_failures.load() == 1; }));
  EXPECT_EQ(attempts.Tries("late"), 2);
  EXPECT_EQ(attempts.Tries("never"), 3);  // lookup_attempts
  EXPECT_EQ(counters.lookups.load(), 2u);
  queue.Stop();
  EXPECT_EQ(attempts.Tries("never"), 3);
}

TEST(LookupQueueTest, QueuedIdsAreDeduplicatedAndBounded) {
  CapturingLogger logger;
  EngineCounters counters;
  std::atomic<bool> release{false};
  std::atomic<int> tries{0};
  EngineTiming timing = QuickRetries();
  timing.lookup_attempts = 1;
  LookupQueue queue("test", logger, timing, counters);
  queue.Start([&](const std::string&) {
    ++tries;
    WaitFor([&] { return release.load(); });
    return true;
  });
  queue.Request("a");
  ASSERT_TRUE(WaitFor([&] { return tries.load() == 1; }));  // "a" is being tried
  queue.Request("a");                                       // still queued: ignored
  queue.Request("b");
  queue.Request("c");  // capacity 2 ("a" and "b"): refused
  EXPECT_EQ(counters.lookup_failures.load(), 1u);
  release = true;
  ASSERT_TRUE(WaitFor([&] { return tries.load() == 2; }));
  queue.Stop();
  EXPECT_EQ(tries.load(), 2);
  EXPECT_EQ(counters.lookups.load(), 4u);
}

TEST(LookupQueueTest, StopDoesNotWaitForAFarRetry) {
  CapturingLogger logger;
  EngineCounters counters;
  EngineTiming timing = QuickRetries();
  timing.lookup_retry_initial = 600s;
  LookupQueue queue("test", logger, timing, counters);
  std::atomic<int> tries{0};
  queue.Start([&](const std::string&) {
    ++tries;
    return false;
  });
  queue.Request("x");
  ASSERT_TRUE(WaitFor([&] { return tries.load() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  queue.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);  // hang guard: the retry is 10 minutes away
  queue.Request("y");                                           // after Stop: ignored
  EXPECT_EQ(tries.load(), 1);
}

class ReconnectPolicyTest : public ::testing::Test {
 protected:
  ReconnectPolicy MakePolicy(std::chrono::milliseconds initial, std::chrono::milliseconds max) {
    EngineTiming timing;
    timing.backoff_initial = initial;
    timing.backoff_max = max;
    return ReconnectPolicy("test", logger_, timing, counters_);
  }
  CapturingLogger logger_;
  EngineCounters counters_;
};

TEST_F(ReconnectPolicyTest, BacksOffDoublingAndCappedAndLogsOncePerOutage) {
  ReconnectPolicy policy = MakePolicy(1s, 3500ms);
  EXPECT_EQ(policy.Disconnected("refused"), 1s);
  EXPECT_EQ(policy.Disconnected("refused"), 2s);
  EXPECT_EQ(policy.Disconnected("refused"), 3500ms);
  EXPECT_EQ(policy.Disconnected("refused"), 3500ms);
  EXPECT_EQ(logger_.Count(LogLevel::kInfo, "refused; retrying in the background"), 1u);
  EXPECT_EQ(counters_.reconnects.load(), 0u);

  policy.Connected("sock");
  EXPECT_EQ(counters_.reconnects.load(), 1u);
  EXPECT_TRUE(logger_.Contains(LogLevel::kInfo, "test: connected to sock"));
  // Lost at once (well within backoff_max): a flapping engine keeps its backoff.
  EXPECT_EQ(policy.Disconnected("reset"), 3500ms);
  EXPECT_EQ(logger_.Count(LogLevel::kWarning, "connection lost: reset"), 1u);
}

TEST_F(ReconnectPolicyTest, AConnectionThatLastedRetriesQuickly) {
  ReconnectPolicy policy = MakePolicy(1ms, 4ms);
  for (int i = 0; i < 4; ++i) policy.Disconnected("refused");
  policy.Connected("sock");
  std::this_thread::sleep_for(10ms);  // longer than backoff_max: it lasted
  EXPECT_EQ(policy.Disconnected("reset"), 1ms);
}

}  // namespace
}  // namespace libcontainer
