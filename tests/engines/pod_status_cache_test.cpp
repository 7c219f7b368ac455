// PodStatusCache: one fetch per pod however many inspect workers ask for it
// at once, failures not kept, different pods fetched side by side.
#include "engines/cri/pod_status_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace libcontainer {
namespace {

using namespace std::chrono_literals;

TEST(PodStatusCacheTest, WorkersAskingForAPodBeingFetchedWaitForThatFetch) {
  PodStatusCache cache;
  std::atomic<int> fetches{0};
  std::promise<void> second_fetch;
  std::future<void> second_fetched = second_fetch.get_future();
  const PodStatusCache::Fetch fetch = [&](const std::string& id, FetchedPod* out) {
    // The first fetch stays in flight while the other workers ask; a second
    // fetch of the same pod ends the wait (and fails the test) at once.
    const int n = fetches.fetch_add(1);
    if (n == 0) second_fetched.wait_for(500ms);
    if (n == 1) second_fetch.set_value();
    out->status.mutable_status()->set_id(id);
    return grpc::Status::OK;
  };
  std::vector<std::future<PodStatusCache::PodStatus>> asked;
  asked.reserve(4);
  for (int worker = 0; worker < 4; ++worker) {
    asked.push_back(std::async(std::launch::async, [&] { return cache.Get("pod-1", fetch); }));
  }
  std::vector<PodStatusCache::PodStatus> got;
  got.reserve(asked.size());
  for (auto& a : asked) got.push_back(a.get());
  EXPECT_EQ(fetches.load(), 1);
  for (const auto& pod : got) {
    ASSERT_NE(pod, nullptr);
    EXPECT_EQ(pod.get(), got.front().get()) << "every worker gets the one fetched status";
    EXPECT_EQ(pod->status.status().id(), "pod-1");
  }
}

TEST(PodStatusCacheTest, AFailedFetchIsNotKeptAndTheNextCallerAsksAgain) {
  PodStatusCache cache;
  int fetches = 0;
  const PodStatusCache::Fetch failing = [&](const std::string&, FetchedPod*) {
    ++fetches;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "runtime restarting");
  };
  grpc::Status status;
  EXPECT_EQ(cache.Get("pod-1", failing, &status), nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  const PodStatusCache::Fetch working = [&](const std::string& id, FetchedPod* out) {
    ++fetches;
    out->status.mutable_status()->set_id(id);
    out->facts = DecodeCriPod(out->status, DecodeOptions{});
    return grpc::Status::OK;
  };
  const PodStatusCache::PodStatus pod = cache.Get("pod-1", working, &status);
  ASSERT_NE(pod, nullptr);
  EXPECT_TRUE(status.ok());
  ASSERT_TRUE(pod->facts.has_value());
  EXPECT_EQ(pod->facts->sandbox_id, "pod-1");
  EXPECT_EQ(cache.Get("pod-1", failing).get(), pod.get()) << "a fetched pod is kept";
  EXPECT_EQ(fetches, 2);
}

TEST(PodStatusCacheTest, APodInFlightDoesNotHoldAnotherPodsFetch) {
  PodStatusCache cache;
  std::promise<void> other_fetched;
  std::future<void> other_done = other_fetched.get_future();
  std::atomic<bool> held_until_other{false};
  const PodStatusCache::Fetch fetch = [&](const std::string& id, FetchedPod* out) {
    if (id == "slow-pod") {
      held_until_other = other_done.wait_for(10s) == std::future_status::ready;
    } else {
      other_fetched.set_value();
    }
    out->status.mutable_status()->set_id(id);
    return grpc::Status::OK;
  };
  auto slow = std::async(std::launch::async, [&] { return cache.Get("slow-pod", fetch); });
  EXPECT_NE(cache.Get("other-pod", fetch), nullptr);
  EXPECT_NE(slow.get(), nullptr);
  EXPECT_TRUE(held_until_other.load()) << "the other pod's fetch waited for the slow one";
}

}  // namespace
}  // namespace libcontainer
