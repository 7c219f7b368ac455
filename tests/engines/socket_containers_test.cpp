// SocketContainers: which socket showed which container, and what a socket's
// new listing says went away.
#include "engines/socket_containers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace libcontainer {
namespace {

int kSocketA = 0, kSocketB = 0;  // only their addresses matter
const SocketContainers::Socket a = &kSocketA;
const SocketContainers::Socket b = &kSocketB;

std::vector<std::string> Ids(const std::vector<SocketContainers::Gone>& gone) {
  std::vector<std::string> ids;
  for (const auto& g : gone) ids.push_back(g.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(SocketContainersTest, ARelistingReturnsWhatTheSocketShowedAndNoLongerLists) {
  SocketContainers shown;
  shown.Shown(a, "c1", ContainerType::kDocker);
  shown.Shown(a, "c2", ContainerType::kDocker);
  shown.Shown(a, "c3", ContainerType::kDocker);
  const auto gone = shown.Relisted(a, {{"c2", ContainerType::kDocker}, {"c4", ContainerType::kDocker}});
  EXPECT_EQ(Ids(gone), (std::vector<std::string>{"c1", "c3"}));
  EXPECT_EQ(gone[0].type, ContainerType::kDocker);
  // c2 and c4 remain; c1 and c3 are forgotten, so the next relisting does not report them again.
  EXPECT_EQ(shown.size(), 2u);
  EXPECT_TRUE(shown.Relisted(a, {{"c2", ContainerType::kDocker}, {"c4", ContainerType::kDocker}}).empty());
}

TEST(SocketContainersTest, AnotherSocketsContainersAreNotItsToRemove) {
  SocketContainers shown;
  shown.Shown(a, "mine", ContainerType::kPodman);
  shown.Shown(b, "theirs", ContainerType::kPodman);
  EXPECT_EQ(Ids(shown.Relisted(a, {})), std::vector<std::string>{"mine"});
  EXPECT_EQ(shown.size(), 1u);
  // The last socket to show a container owns it.
  shown.Shown(a, "theirs", ContainerType::kPodman);
  EXPECT_TRUE(shown.Relisted(b, {}).empty());
  EXPECT_EQ(Ids(shown.Relisted(a, {})), std::vector<std::string>{"theirs"});
}

TEST(SocketContainersTest, ARemovalIsForgottenSoTheMemoryFollowsTheContainersThatExist) {
  SocketContainers shown;
  for (int i = 0; i < 100; ++i) {
    const std::string id = "c" + std::to_string(i);
    shown.Shown(a, id, ContainerType::kContainerd);
    shown.Removed(id);
  }
  shown.Removed("never-shown");
  EXPECT_EQ(shown.size(), 0u);
  EXPECT_TRUE(shown.Relisted(a, {}).empty());
}

TEST(SocketContainersTest, AListedContainerWithAnUnusableAnswerKeepsItsType) {
  SocketContainers shown;
  shown.Shown(a, "c1", ContainerType::kPodman);
  EXPECT_TRUE(shown.Relisted(a, {{"c1", ContainerType::kUnknown}}).empty());
  const auto gone = shown.Relisted(a, {});
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].type, ContainerType::kPodman);
}

TEST(SocketContainersTest, AReconcilingListRemovesOnlyWhatWasShownBeforeIt) {
  SocketContainers shown;
  shown.Shown(a, "c1", ContainerType::kDocker);
  shown.Shown(a, "c2", ContainerType::kPodman);
  shown.Shown(b, "b1", ContainerType::kDocker);
  std::vector<std::string> before = shown.OwnedBy(a);
  std::sort(before.begin(), before.end());
  EXPECT_EQ(before, (std::vector<std::string>{"c1", "c2"}));
  // Shown after the snapshot, and missing from a list the engine made before it was created.
  shown.Shown(a, "new", ContainerType::kDocker);
  const auto gone = shown.Reconciled(a, before, std::unordered_set<std::string>{"c1"});
  EXPECT_EQ(Ids(gone), (std::vector<std::string>{"c2"}));
  EXPECT_EQ(gone[0].type, ContainerType::kPodman);
  // c1, new and the other socket's b1 remain; c2 is not reported again.
  EXPECT_EQ(shown.size(), 3u);
  EXPECT_TRUE(shown.Reconciled(a, before, std::unordered_set<std::string>{"c1"}).empty());
}

TEST(SocketContainersTest, AReconcilingListSkipsWhatWasRemovedOrTakenOverMeanwhile) {
  SocketContainers shown;
  shown.Shown(a, "c1", ContainerType::kDocker);
  shown.Shown(a, "c2", ContainerType::kDocker);
  const std::vector<std::string> before = shown.OwnedBy(a);
  shown.Removed("c1");                           // its removal event was read meanwhile
  shown.Shown(b, "c2", ContainerType::kDocker);  // another socket shows it now
  EXPECT_TRUE(shown.Reconciled(a, before, {}).empty());
  EXPECT_EQ(shown.size(), 1u);
}

}  // namespace
}  // namespace libcontainer
