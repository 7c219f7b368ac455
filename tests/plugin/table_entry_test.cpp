#include "plugin/table_entry.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace libcontainer {
namespace {

// Records which entries were released, in order.
std::vector<ss_plugin_table_entry_t*> g_released;

ss_plugin_table_reader_vtable_ext RecordingReader() {
  ss_plugin_table_reader_vtable_ext reader{};
  reader.release_table_entry = [](ss_plugin_table_t*, ss_plugin_table_entry_t* e) {
    g_released.push_back(e);
  };
  return reader;
}

ss_plugin_table_entry_t* FakeEntry(int n) {
  static int entries[4];
  return &entries[n];
}

class TableEntryTest : public ::testing::Test {
 protected:
  void SetUp() override { g_released.clear(); }
  ss_plugin_table_reader_vtable_ext reader_ = RecordingReader();
  ss_plugin_table_t* table_ = nullptr;
};

TEST_F(TableEntryTest, ReleasesOnceWhenItGoesOutOfScope) {
  {
    TableEntry entry(reader_, table_, FakeEntry(0));
    EXPECT_TRUE(entry);
    EXPECT_EQ(entry.get(), FakeEntry(0));
    EXPECT_TRUE(g_released.empty());
  }
  EXPECT_EQ(g_released, std::vector{FakeEntry(0)});
}

TEST_F(TableEntryTest, AnEmptyHandleReleasesNothing) {
  {
    TableEntry none(reader_, table_, nullptr);
    EXPECT_FALSE(none);
    TableEntry defaulted;
    EXPECT_FALSE(defaulted);
  }
  EXPECT_TRUE(g_released.empty());
}

TEST_F(TableEntryTest, AMoveHandsTheReleaseOver) {
  {
    TableEntry first(reader_, table_, FakeEntry(1));
    TableEntry second(std::move(first));
    EXPECT_EQ(second.get(), FakeEntry(1));
    EXPECT_TRUE(g_released.empty());
  }
  EXPECT_EQ(g_released, std::vector{FakeEntry(1)});
}

TEST_F(TableEntryTest, AssigningReleasesTheEntryHeldBefore) {
  TableEntry held(reader_, table_, FakeEntry(2));
  held = TableEntry(reader_, table_, FakeEntry(3));
  EXPECT_EQ(g_released, std::vector{FakeEntry(2)});
  held = TableEntry();
  EXPECT_EQ(g_released, (std::vector{FakeEntry(2), FakeEntry(3)}));
}

}  // namespace
}  // namespace libcontainer
