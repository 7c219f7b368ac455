// ReconnectPolicy: the backoff rules every watcher shares, checked without
// any engine.
#include "engines/reconnect_policy.h"

#include <gtest/gtest.h>

#include <thread>

#include "engines/fake_engine.h"

namespace libcontainer {
namespace {

using namespace std::chrono_literals;
using engine_testing::CapturingLogger;

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
