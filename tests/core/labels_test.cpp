#include "core/labels.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace libcontainer {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries All(const Labels& labels) {
  Entries out;
  for (const auto& [key, value] : labels) out.emplace_back(key, value);
  return out;
}

TEST(LabelsTest, KeepsKeysInOrderEachOnceTheFirstValueWinning) {
  const Labels labels{{"tier", "db"}, {"app", "web"}, {"tier", "cache"}, {"", "empty key"}};
  EXPECT_EQ(All(labels), (Entries{{"", "empty key"}, {"app", "web"}, {"tier", "db"}}));
  EXPECT_EQ(labels.size(), 3U);
  EXPECT_FALSE(labels.empty());
  const Labels none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0U);
  EXPECT_TRUE(none.begin() == none.end());
}

TEST(LabelsTest, FindsByKeyWithoutBuildingAString) {
  const Labels labels{{"io.kubernetes.pod.namespace", "prod"}, {"app", "web"}};
  EXPECT_EQ(labels.find("app")->second, "web");
  EXPECT_EQ(labels.find("io.kubernetes.pod.namespace")->second, "prod");
  EXPECT_TRUE(labels.find("ap") == labels.end());
  EXPECT_TRUE(labels.find("apps") == labels.end());
  EXPECT_TRUE(labels.find("zzz") == labels.end());
  EXPECT_TRUE(labels.contains("app"));
  EXPECT_EQ(labels.count("app"), 1U);
  EXPECT_EQ(labels.count("web"), 0U);
  EXPECT_EQ(labels.at("app"), "web");
  EXPECT_THROW((void)labels.at("web"), std::out_of_range);
}

TEST(LabelsTest, ValuesEndWithANulForFalcoAndMayHoldNulsAndAnyByte) {
  const std::string with_nul("a\0b", 3);
  const std::string binary_key("k\xFF\x80", 3);
  const Labels labels{{"nul", with_nul}, {binary_key, "\xFE"}, {"empty", ""}};
  for (const auto& [key, value] : labels) EXPECT_EQ(value.data()[value.size()], '\0') << key;
  EXPECT_EQ(labels.at("nul"), with_nul);
  EXPECT_EQ(labels.at(binary_key), "\xFE");
  EXPECT_EQ(labels.at("empty"), "");
  EXPECT_FALSE(labels.contains(std::string("a\0", 2)));
}

TEST(LabelsTest, EmplaceAddsOnlyNewKeysInsertOrAssignReplaces) {
  Labels labels;
  EXPECT_TRUE(labels.emplace("b", "2"));
  EXPECT_TRUE(labels.emplace("a", "1"));
  EXPECT_TRUE(labels.emplace("c", "3"));
  EXPECT_FALSE(labels.emplace("b", "two"));
  EXPECT_EQ(All(labels), (Entries{{"a", "1"}, {"b", "2"}, {"c", "3"}}));

  labels.insert_or_assign("b", "a longer value than before");
  labels.insert_or_assign("a", "");
  labels.insert_or_assign("d", "4");
  EXPECT_EQ(All(labels), (Entries{{"a", ""}, {"b", "a longer value than before"}, {"c", "3"}, {"d", "4"}}));
}

TEST(LabelsTest, AValueReadFromTheLabelsThemselvesCanBeStoredBack) {
  Labels labels{{"a", "first value, long enough to live on the heap"}};
  labels.insert_or_assign("b", labels.at("a"));
  labels.insert_or_assign("a", labels.at("a").substr(0, 5));
  EXPECT_EQ(All(labels), (Entries{{"a", "first"}, {"b", "first value, long enough to live on the heap"}}));
}

TEST(LabelsTest, EraseAndEraseIfRemoveWhatTheyAreAskedTo) {
  Labels labels{{"a", "1"}, {"long", "0123456789"}, {"b", "2"}, {"c", "3"}};
  EXPECT_EQ(labels.erase("b"), 1U);
  EXPECT_EQ(labels.erase("b"), 0U);
  EXPECT_EQ(labels.erase_if([](const auto& label) { return label.second.size() > 5; }), 1U);
  EXPECT_EQ(labels.erase_if([](const auto&) { return false; }), 0U);
  EXPECT_EQ(All(labels), (Entries{{"a", "1"}, {"c", "3"}}));
  EXPECT_EQ(labels.erase_if([](const auto&) { return true; }), 2U);
  EXPECT_TRUE(labels.empty());
}

TEST(LabelsTest, EqualWhenTheSameLabelsWhateverTheOrderTheyCameIn) {
  Labels built;
  built.emplace("z", "26");
  built.emplace("a", "1");
  EXPECT_EQ(built, (Labels{{"a", "1"}, {"z", "26"}}));
  EXPECT_NE(built, (Labels{{"a", "1"}, {"z", "2"}}));
  EXPECT_NE(built, (Labels{{"a", "1"}}));
  Labels copy = built;
  EXPECT_EQ(copy, built);
  Labels moved = std::move(copy);
  EXPECT_EQ(moved, built);
}

}  // namespace
}  // namespace libcontainer
