#include "core/labels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
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

TEST(LabelsTest, EmplaceAddsOnlyNewKeys) {
  Labels labels;
  EXPECT_TRUE(labels.emplace("b", "2"));
  EXPECT_TRUE(labels.emplace("a", "1"));
  EXPECT_TRUE(labels.emplace("c", "3"));
  EXPECT_FALSE(labels.emplace("b", "two"));
  EXPECT_EQ(All(labels), (Entries{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(LabelsTest, AValueReadFromTheLabelsThemselvesCanBeStoredBack) {
  Labels labels{{"a", "first value, long enough to live on the heap"}};
  labels.emplace("c", labels.at("a"));
  labels.emplace("b", labels.at("c").substr(0, 5));
  EXPECT_EQ(All(labels), (Entries{{"a", "first value, long enough to live on the heap"},
                                  {"b", "first"},
                                  {"c", "first value, long enough to live on the heap"}}));
}

TEST(LabelsTest, EraseIfRemovesWhatItIsAskedTo) {
  Labels labels{{"a", "1"}, {"long", "0123456789"}, {"c", "3"}};
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

TEST(LabelsTest, AddMissingKeepsOwnValuesAndAddsTheOthersInOrder) {
  Labels mine{{"b", "mine"}, {"d", "4"}};
  mine.AddMissing(Labels{{"a", "1"}, {"b", "theirs"}, {"c", "3"}, {"e", "5"}});
  EXPECT_EQ(All(mine), (Entries{{"a", "1"}, {"b", "mine"}, {"c", "3"}, {"d", "4"}, {"e", "5"}}));
  mine.AddMissing(Labels{{"b", "x"}});
  mine.AddMissing(Labels{});
  EXPECT_EQ(mine.size(), 5U);
  Labels none;
  none.AddMissing(mine);
  EXPECT_EQ(none, mine);
  none.emplace("f", "6");  // after AddMissing, appends still land last
  EXPECT_EQ(All(none).back(), (std::pair<std::string, std::string>{"f", "6"}));
}

// Thousands of labels in any order, past the size up to which the buffer is
// kept exact: every change checked against std::map, which the labels replace.
TEST(LabelsTest, AnySequenceOfChangesReadsAsAStdMapWould) {
  std::mt19937 random(20261203);
  const auto pick = [&random](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  const auto key = [&] { return "key." + std::to_string(pick(400)); };
  const auto value = [&] {
    return std::string(pick(3) == 0 ? pick(300) : pick(12), static_cast<char>('a' + pick(26)));
  };
  Labels labels;
  std::map<std::string, std::string> model;
  size_t max_bytes = 0;  // as held packed
  for (int step = 0; step < 6000; ++step) {
    const std::string k = key();
    const std::string v = value();
    switch (pick(5)) {
      case 0:
      case 1:
      case 2:
        EXPECT_EQ(labels.emplace(k, v), model.emplace(k, v).second);
        break;
      case 3: {
        Labels other{{k, v}, {key(), value()}};
        labels.AddMissing(other);
        for (const auto& [ok, ov] : other) model.emplace(ok, ov);
        break;
      }
      default: {
        const char c = static_cast<char>('a' + pick(26));
        const auto drop = [c](const auto& label) { return !label.second.empty() && label.second[0] == c; };
        EXPECT_EQ(labels.erase_if(drop), std::erase_if(model, drop));
      }
    }
    ASSERT_EQ(All(labels), Entries(model.begin(), model.end())) << "step " << step;
    size_t bytes = 0;
    for (const auto& [mk, mv] : model) bytes += mk.size() + mv.size() + 9;
    max_bytes = std::max(max_bytes, bytes);
    if (!model.empty()) {
      // The last key is known without a walk: appending after it must still land last.
      EXPECT_EQ(labels.find(model.rbegin()->first)->second, model.rbegin()->second);
    }
  }
  EXPECT_GT(model.size(), 50U);
  EXPECT_GT(max_bytes, 2 * 4096U);  // well past the exact-fit size
}

}  // namespace
}  // namespace libcontainer
