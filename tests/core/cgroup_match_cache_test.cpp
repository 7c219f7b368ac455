#include "core/cgroup_match_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace libcontainer {
namespace {

const std::string kDockerId = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
const std::string kPodmanId = "8ea1431f93ae58f7cc783d4d649025bba7487656e8d6fe927f76d6b3e2a15fd0";
const std::string kDockerPath = "/docker/" + kDockerId;
const std::string kPodmanPath = "/libpod_parent/libpod-" + kPodmanId;
const std::string kHostPath = "/user.slice/user-1000.slice/session-2.scope";

// A distinct docker path per `n`.
std::string DockerPath(int n) {
  std::string id = kDockerId;
  std::string digits = std::to_string(n);
  id.replace(0, digits.size(), digits);
  return "/docker/" + id;
}

bool PointsInto(std::string_view view, std::string_view buffer) {
  return view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
}

TEST(CgroupMatchCacheTest, CountsHitsAndMisses) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 8);
  EXPECT_EQ(cache.capacity(), 8u);
  EXPECT_EQ(cache.size(), 0u);

  const CgroupMatch* match = cache.Lookup(kDockerPath);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->id, kDockerId.substr(0, 12));
  EXPECT_EQ(match->type, ContainerType::kDocker);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 0u);

  match = cache.Lookup(kDockerPath);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->full_id, kDockerId);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);

  match = cache.Lookup(kPodmanPath);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->type, ContainerType::kPodman);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CgroupMatchCacheTest, CachesNegativeResults) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 4);
  EXPECT_EQ(cache.Lookup(kHostPath), nullptr);
  EXPECT_EQ(cache.Lookup(kHostPath), nullptr);
  EXPECT_EQ(cache.Lookup("/"), nullptr);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CgroupMatchCacheTest, EvictsLeastRecentlyUsedAtCapacity) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 2);
  cache.Lookup(kDockerPath);  // miss
  cache.Lookup(kPodmanPath);  // miss
  cache.Lookup(kDockerPath);  // hit: podman is now the oldest
  cache.Lookup(kHostPath);    // miss: evicts podman
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_EQ(cache.hits(), 1u);

  cache.Lookup(kDockerPath);  // still there
  EXPECT_EQ(cache.hits(), 2u);
  const CgroupMatch* match = cache.Lookup(kPodmanPath);  // evicted: a miss, evicts the host path
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->full_id, kPodmanId);
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.Lookup(kHostPath), nullptr);  // was evicted
  EXPECT_EQ(cache.misses(), 5u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CgroupMatchCacheTest, SizeNeverExceedsCapacity) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 16);
  for (int i = 0; i < 1000; ++i) {
    std::string path = DockerPath(i);
    const CgroupMatch* match = cache.Lookup(path);
    ASSERT_NE(match, nullptr);
    EXPECT_EQ(match->full_id, path.substr(8));
    EXPECT_LE(cache.size(), 16u);
  }
  EXPECT_EQ(cache.size(), 16u);
  EXPECT_EQ(cache.misses(), 1000u);
  // The last 16 are resident.
  for (int i = 984; i < 1000; ++i) cache.Lookup(DockerPath(i));
  EXPECT_EQ(cache.hits(), 16u);
}

TEST(CgroupMatchCacheTest, ViewsPointIntoTheCacheNotTheCaller) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 4);
  std::string path = kDockerPath;
  const CgroupMatch* match = cache.Lookup(path);
  ASSERT_NE(match, nullptr);
  EXPECT_FALSE(PointsInto(match->full_id, path));
  // Clobber the caller's buffer: the result is unaffected.
  std::fill(path.begin(), path.end(), 'x');
  path = "/something/else/entirely/and/longer/than/before/to/force/a/reallocation/of/the/buffer/" + path;
  EXPECT_EQ(match->full_id, kDockerId);
  EXPECT_EQ(match->id, kDockerId.substr(0, 12));

  // Same on a hit.
  std::string again = kDockerPath;
  match = cache.Lookup(again);
  ASSERT_NE(match, nullptr);
  EXPECT_FALSE(PointsInto(match->full_id, again));
  again.assign(again.size(), 'y');
  EXPECT_EQ(match->full_id, kDockerId);
}

TEST(CgroupMatchCacheTest, RecycledEntriesMatchTheirNewKey) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 1);
  // A long key, then a short one and a long one again through the same slot.
  const std::string long_path =
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
      "cri-containerd-" +
      kDockerId + ".scope";
  const CgroupMatch* match = cache.Lookup(long_path);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->type, ContainerType::kContainerd);
  match = cache.Lookup("/lxc.payload.web");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->id, "web");
  EXPECT_EQ(match->type, ContainerType::kLxc);
  EXPECT_TRUE(match->metadata_from_cgroup);
  EXPECT_EQ(cache.Lookup(kHostPath), nullptr);
  match = cache.Lookup(kPodmanPath);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->full_id, kPodmanId);
  EXPECT_FALSE(match->metadata_from_cgroup);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.misses(), 4u);
  // The recycled index node still finds the entry.
  ASSERT_NE(cache.Lookup(kPodmanPath), nullptr);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(CgroupMatchCacheTest, ZeroCapacityHoldsOneEntry) {
  CgroupMatcher matcher;
  CgroupMatchCache cache(matcher, 0);
  EXPECT_EQ(cache.capacity(), 1u);
  const CgroupMatch* match = cache.Lookup(kDockerPath);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->full_id, kDockerId);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CgroupMatchCacheTest, AgreesWithTheMatcher) {
  CgroupMatcher matcher(MatcherOptions{.lxc = false});
  CgroupMatchCache cache(matcher, 3);
  const std::string paths[] = {kDockerPath,
                               kHostPath,
                               "/lxc/web01",
                               kPodmanPath,
                               "/default/probe-run",
                               "/machine/web.libvirt-lxc",
                               "/",
                               "/system.slice/bpm-myjob.scope"};
  for (int round = 0; round < 3; ++round) {
    for (const std::string& path : paths) {
      CgroupMatch direct;
      bool matched = matcher.Match(path, &direct);
      const CgroupMatch* cached = cache.Lookup(path);
      ASSERT_EQ(cached != nullptr, matched) << path;
      if (!matched) continue;
      EXPECT_EQ(cached->id, direct.id);
      EXPECT_EQ(cached->full_id, direct.full_id);
      EXPECT_EQ(cached->type, direct.type);
      EXPECT_EQ(cached->metadata_from_cgroup, direct.metadata_from_cgroup);
    }
  }
}

}  // namespace
}  // namespace libcontainer
