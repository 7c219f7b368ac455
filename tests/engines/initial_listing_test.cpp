// WaitForInitialListings: one deadline shared by all engines, names of the
// late ones, and no bound for a zero timeout.
#include "engines/initial_listing.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace libcontainer {
namespace {

using std::chrono::milliseconds;

// An engine whose listing ends when the test says so.
class ScriptedEngine : public ContainerEngine {
 public:
  explicit ScriptedEngine(std::string name, bool listed = false) : name_(std::move(name)), listed_(listed) {}

  std::string_view name() const override { return name_; }
  void Start(ContainerSink&) override {}
  void Stop() override {}
  void RequestLookup(std::string_view) override {}
  Stats stats() const override { return {}; }
  bool WaitForInitialList(milliseconds timeout) override {
    std::unique_lock lock(mu_);
    asked_.push_back(timeout);
    cv_.wait_for(lock, timeout, [&] { return listed_; });
    return listed_;
  }

  void FinishListing() {
    {
      std::lock_guard lock(mu_);
      listed_ = true;
    }
    cv_.notify_all();
  }
  std::vector<milliseconds> asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool listed_;
  std::vector<milliseconds> asked_;
};

TEST(InitialListings, ListedEnginesAreNotReported) {
  std::vector<std::unique_ptr<ContainerEngine>> engines;
  engines.push_back(std::make_unique<ScriptedEngine>("docker", true));
  engines.push_back(std::make_unique<ScriptedEngine>("podman", true));
  EXPECT_TRUE(WaitForInitialListings(engines, std::chrono::seconds(10)).empty());
}

TEST(InitialListings, OneDeadlineIsSharedByAllEngines) {
  std::vector<std::unique_ptr<ContainerEngine>> engines;
  engines.push_back(std::make_unique<ScriptedEngine>("docker"));
  engines.push_back(std::make_unique<ScriptedEngine>("podman", true));
  engines.push_back(std::make_unique<ScriptedEngine>("containerd"));
  const auto late = WaitForInitialListings(engines, std::chrono::seconds(1));
  EXPECT_EQ(late, (std::vector<std::string>{"docker", "containerd"}));
  // The first engine used up the second: later engines get what is left,
  // never a fresh full timeout.
  const auto first = static_cast<ScriptedEngine&>(*engines[0]).asked();
  const auto last = static_cast<ScriptedEngine&>(*engines[2]).asked();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_LE(first[0], milliseconds(1000));
  EXPECT_LT(last[0], first[0]);
}

TEST(InitialListings, ZeroWaitsUntilTheListingEnds) {
  std::vector<std::unique_ptr<ContainerEngine>> engines;
  engines.push_back(std::make_unique<ScriptedEngine>("docker"));
  auto& docker = static_cast<ScriptedEngine&>(*engines[0]);
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    EXPECT_TRUE(WaitForInitialListings(engines, std::chrono::seconds(0)).empty());
    returned = true;
  });
  // Still waiting once it has asked (a zero timeout is not "don't wait").
  while (docker.asked().empty()) std::this_thread::yield();
  EXPECT_FALSE(returned.load());
  EXPECT_GE(docker.asked()[0], std::chrono::minutes(1));
  docker.FinishListing();
  waiter.join();
  EXPECT_TRUE(returned.load());
}

}  // namespace
}  // namespace libcontainer
