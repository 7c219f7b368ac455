#include "plugin/container_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace libcontainer {
namespace {

std::shared_ptr<ContainerInfo> Record(const std::string& id, const std::string& name,
                                      const std::string& image) {
  auto info = std::make_shared<ContainerInfo>();
  info->type = ContainerType::kDocker;
  info->id = id;
  info->full_id = id + "0000";
  info->name = name;
  info->image = image;
  return info;
}

TEST(ContainerStoreTest, KnowsTheStaticContainerFromTheStart) {
  StaticContainerConfig config;
  config.enabled = true;
  config.container_id = "0123456789abcdef0123";
  config.container_name = "static";
  config.container_image = "busybox:1.36";
  ContainerStore store(config);
  ASSERT_NE(store.static_container(), nullptr);
  EXPECT_EQ(store.static_container()->id, "0123456789ab");
  EXPECT_EQ(store.static_container()->type, ContainerType::kStatic);
  EXPECT_EQ(store.static_container()->image_tag, "1.36");
  EXPECT_EQ(store.Find("0123456789ab"), store.static_container());
  EXPECT_EQ(store.containers(), 1u);
}

TEST(ContainerStoreTest, WithoutTheStaticEngineItStartsEmpty) {
  ContainerStore store(StaticContainerConfig{});
  EXPECT_EQ(store.static_container(), nullptr);
  EXPECT_EQ(store.containers(), 0u);
}

TEST(ContainerStoreTest, MergesASecondRecordOfTheSameContainer) {
  ContainerStore store(StaticContainerConfig{});
  store.Store(1, Record("abc", "web", "nginx:1.25"), false);
  // The engine's first, event-only record: no image and the id as name.
  store.Store(2, Record("abc", "abc0000", ""), false);
  const ContainerInfo* info = store.Find("abc");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "web");
  EXPECT_EQ(info->image, "nginx:1.25");
  EXPECT_EQ(store.containers(), 1u);
  EXPECT_EQ(store.ContainerOfEvent(2), info);
}

TEST(ContainerStoreTest, TheLastContainerEventKeepsARemovedRecord) {
  ContainerStore store(StaticContainerConfig{});
  store.Store(1, Record("abc", "web", "nginx"), false);
  store.Store(2, Record("abc", "web", "nginx"), true);
  EXPECT_EQ(store.Find("abc"), nullptr);
  EXPECT_EQ(store.containers(), 0u);
  ASSERT_NE(store.ContainerOfEvent(2), nullptr);
  EXPECT_EQ(store.ContainerOfEvent(2)->name, "web");
  EXPECT_EQ(store.ContainerOfEvent(1), nullptr);
  EXPECT_EQ(store.ContainerOfEvent(3), nullptr);
}

TEST(ContainerStoreTest, CountsRecordsWithoutAnImageExceptPodSandboxes) {
  ContainerStore store(StaticContainerConfig{});
  store.Store(1, Record("a", "a", ""), false);
  auto sandbox = Record("b", "b", "");
  sandbox->is_pod_sandbox = true;
  store.Store(2, sandbox, false);
  store.Store(3, Record("c", "c", "nginx"), false);
  EXPECT_EQ(store.missing_images(), 1u);
}

TEST(ContainerStoreTest, AnUnknownIdIsNotedOnceUntilItsRecordArrives) {
  ContainerStore store(StaticContainerConfig{});
  EXPECT_TRUE(store.NoteUnknownId("abc"));
  EXPECT_FALSE(store.NoteUnknownId("abc"));
  EXPECT_EQ(store.unknown_ids(), 1u);
  store.Store(1, Record("abc", "web", "nginx"), false);
  // Known now; should it be removed and seen again, it is asked again.
  EXPECT_TRUE(store.NoteUnknownId("abc"));
  EXPECT_EQ(store.unknown_ids(), 2u);
}

TEST(ContainerStoreTest, UnknownIdsAreForgottenOnceTheBoundIsReached) {
  ContainerStore store(StaticContainerConfig{});
  EXPECT_TRUE(store.NoteUnknownId("first"));
  for (size_t i = 2; i < ContainerStore::kMaxUnknownIds; ++i) store.NoteUnknownId("id-" + std::to_string(i));
  EXPECT_FALSE(store.NoteUnknownId("first"));
  // Fills the set to its bound: the next id starts it over, forgetting "first".
  EXPECT_TRUE(store.NoteUnknownId("one-more"));
  EXPECT_TRUE(store.NoteUnknownId("first"));
}

TEST(ContainerStoreTest, ACgroupOnlyContainerIsRecordedFromItsMatch) {
  ContainerStore store(StaticContainerConfig{});
  CgroupMatch match;
  match.id = "mylxc";
  match.full_id = "mylxc";
  match.type = ContainerType::kLxc;
  match.metadata_from_cgroup = true;
  auto info = store.AddFromCgroup(match);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "mylxc");
  EXPECT_EQ(info->type, ContainerType::kLxc);
  EXPECT_EQ(store.Find("mylxc"), info.get());
  EXPECT_EQ(store.containers(), 1u);
  EXPECT_EQ(store.missing_images(), 0u);
}

}  // namespace
}  // namespace libcontainer
