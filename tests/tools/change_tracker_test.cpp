// What a reader of container-watch sees for the record streams engines send.
#include "container_watch/change_tracker.h"

#include <gtest/gtest.h>

namespace container_watch {
namespace {

using libcontainer::ContainerInfo;
using libcontainer::ContainerType;

ContainerInfo Record(const std::string& id, const std::string& name, const std::string& image) {
  ContainerInfo info;
  info.type = ContainerType::kDocker;
  info.id = id;
  info.full_id = id + std::string(64 - id.size(), '0');
  info.name = name;
  info.image = image;
  return info;
}

ContainerInfo Inspected(const std::string& id, const std::string& name, const std::string& image) {
  ContainerInfo info = Record(id, name, image);
  info.created_time = 1700000000;
  info.image_id = "sha256:1a";
  return info;
}

TEST(ChangeTracker, EventRecordThenInspectIsAddedThenUpdated) {
  ChangeTracker tracker;
  const auto first = tracker.OnContainer(Record("c1", "x", "busybox"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, ChangeKind::kAdded);
  EXPECT_TRUE(IsEventOnlyRecord(first->info));
  const auto second = tracker.OnContainer(Inspected("c1", "web", "nginx"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, ChangeKind::kUpdated);
  EXPECT_EQ(second->info.name, "web");
  EXPECT_FALSE(IsEventOnlyRecord(second->info));
}

TEST(ChangeTracker, TheSameRecordAgainIsNoChange) {
  ChangeTracker tracker;
  ASSERT_TRUE(tracker.OnContainer(Inspected("c1", "web", "nginx")));
  // A re-listing after a reconnect.
  EXPECT_FALSE(tracker.OnContainer(Inspected("c1", "web", "nginx")).has_value());
  // A late event-only record adds nothing to the inspected one.
  ContainerInfo late = Record("c1", "c1", "");
  EXPECT_FALSE(tracker.OnContainer(late).has_value());
}

TEST(ChangeTracker, RemovalCarriesTheLastKnownRecord) {
  ChangeTracker tracker;
  ASSERT_TRUE(tracker.OnContainer(Inspected("c1", "web", "nginx")));
  ContainerInfo gone;
  gone.type = ContainerType::kDocker;
  gone.id = "c1";
  const auto removed = tracker.OnRemoved(gone);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->kind, ChangeKind::kRemoved);
  EXPECT_EQ(removed->info.name, "web");
  EXPECT_EQ(removed->info.image, "nginx");
  EXPECT_TRUE(tracker.containers().empty());
  // Removed twice (containerd and CRI both say so): said once.
  EXPECT_FALSE(tracker.OnRemoved(gone).has_value());
}

TEST(ChangeTracker, ARemovalOfANeverSeenContainerIsNotSaid) {
  ChangeTracker tracker;
  EXPECT_FALSE(tracker.OnRemoved(Record("c9", "", "")).has_value());
}

TEST(ChangeTracker, ChangeKindsHaveTheirJsonNames) {
  EXPECT_EQ(ChangeKindName(ChangeKind::kAdded), "added");
  EXPECT_EQ(ChangeKindName(ChangeKind::kUpdated), "updated");
  EXPECT_EQ(ChangeKindName(ChangeKind::kRemoved), "removed");
}

}  // namespace
}  // namespace container_watch
