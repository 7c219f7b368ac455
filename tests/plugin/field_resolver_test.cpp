#include "plugin/field_resolver.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/field_table.h"
#include "host/event_builder.h"
#include "test_tables.h"

namespace libcontainer {
namespace {

using testing::DockerThread;
using testing::HostThread;
using testing::kDockerId;
using testing::kDockerShortId;

class FieldResolverTest : public ::testing::Test {
 protected:
  FieldResolverTest() {
    auto info = std::make_shared<ContainerInfo>();
    info->id = kDockerShortId;
    info->full_id = kDockerId;
    info->name = "web";
    info->image = "nginx";
    info->privileged = true;
    store_.Store(1, std::move(info), false);
    auto spec = DockerThread(100, 1);
    tables_.host().Put(spec);
    // What the tagger would have written.
    Tag(100, kDockerShortId, ProcessCategory::kContainer);
  }
  ~FieldResolverTest() override {
    EXPECT_EQ(tables_.host().OutstandingRefs(), 0) << "an entry was not released";
  }

  void Tag(int64_t tid, const char* id, ProcessCategory category) {
    auto entry = tables_.table().Get(tables_.reader(), tid);
    ASSERT_TRUE(entry);
    ASSERT_TRUE(tables_.table().SetContainerId(tables_.writer(), entry.get(), id));
    ASSERT_TRUE(tables_.table().SetCategory(tables_.writer(), entry.get(), static_cast<uint16_t>(category)));
  }

  static ss_plugin_extract_field Field(const char* name) {
    ss_plugin_extract_field field{};
    field.field_id = static_cast<uint32_t>(*FieldIdByName(name));
    field.field = name;
    return field;
  }

  ss_plugin_rc Extract(const std::vector<uint8_t>& event, uint64_t evtnum,
                       std::vector<ss_plugin_extract_field>& fields) {
    ss_plugin_event_input input{reinterpret_cast<const ss_plugin_event*>(event.data()), evtnum, "syscall"};
    ss_plugin_field_extract_input extract{};
    extract.num_fields = static_cast<uint32_t>(fields.size());
    extract.fields = fields.data();
    extract.table_reader_ext = &testhost::TableVtables()->reader_ext;
    return resolver_.Extract(input, extract);
  }

  testing::TestTables tables_;
  ContainerStore store_{StaticContainerConfig{}};
  FieldResolver resolver_{tables_.table(), store_};
};

TEST_F(FieldResolverTest, ExtractsStringBoolAndNumberFields) {
  std::vector fields = {Field("container.name"), Field("container.privileged"), Field("container.start_ts"),
                        Field("container.id")};
  ASSERT_EQ(Extract(testhost::events::OpenExit(100), 10, fields), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(fields[0].res_len, 1u);
  EXPECT_STREQ(*fields[0].res.str, "web");
  ASSERT_EQ(fields[1].res_len, 1u);
  EXPECT_EQ(*fields[1].res.boolean, 1u);
  ASSERT_EQ(fields[2].res_len, 1u);
  EXPECT_EQ(*fields[2].res.u64, 1'700'000'000'000'000'000ULL);
  ASSERT_EQ(fields[3].res_len, 1u);
  EXPECT_STREQ(*fields[3].res.str, kDockerShortId);
  EXPECT_EQ(resolver_.lookups_hit(), 1u);
}

TEST_F(FieldResolverTest, ResolvesTheThreadOncePerEvent) {
  const auto event = testhost::events::OpenExit(100);
  std::vector name = {Field("container.name")};
  std::vector start = {Field("container.start_ts")};
  ASSERT_EQ(Extract(event, 10, name), SS_PLUGIN_SUCCESS);
  // The facts only start_ts needs are read on the first call that needs them.
  ASSERT_EQ(Extract(event, 10, start), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(*start[0].res.u64, 1'700'000'000'000'000'000ULL);
  EXPECT_EQ(resolver_.lookups_hit(), 1u);
  ASSERT_EQ(Extract(event, 11, name), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(resolver_.lookups_hit(), 2u);
}

TEST_F(FieldResolverTest, InvalidateForgetsWhatWasResolved) {
  const auto event = testhost::events::OpenExit(100);
  std::vector name = {Field("container.name")};
  ASSERT_EQ(Extract(event, 10, name), SS_PLUGIN_SUCCESS);
  Tag(100, "", ProcessCategory::kNone);
  resolver_.Invalidate();
  ASSERT_EQ(Extract(event, 10, name), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(name[0].res_len, 1u);
  EXPECT_STREQ(*name[0].res.str, "host");
}

TEST_F(FieldResolverTest, AThreadWithoutMetadataCountsAMiss) {
  tables_.host().Put(DockerThread(101, 1));
  Tag(101, "000000000000", ProcessCategory::kContainer);
  std::vector fields = {Field("container.id"), Field("container.name")};
  ASSERT_EQ(Extract(testhost::events::OpenExit(101), 10, fields), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(fields[0].res_len, 1u);
  EXPECT_STREQ(*fields[0].res.str, "000000000000");
  EXPECT_EQ(resolver_.lookups_miss(), 1u);
}

TEST_F(FieldResolverTest, FailsForAnUnknownThreadOrField) {
  std::vector name = {Field("container.name")};
  EXPECT_EQ(Extract(testhost::events::OpenExit(999), 10, name), SS_PLUGIN_FAILURE);
  EXPECT_EQ(Extract(testhost::events::OpenExit(999), 10, name), SS_PLUGIN_FAILURE);
  std::vector bad = {Field("container.name")};
  bad[0].field_id = static_cast<uint32_t>(kFieldCount);
  EXPECT_EQ(Extract(testhost::events::OpenExit(100), 11, bad), SS_PLUGIN_FAILURE);
}

TEST_F(FieldResolverTest, AContainerEventDescribesItsOwnContainer) {
  auto info = std::make_shared<ContainerInfo>();
  info->id = "0123456789ab";
  info->name = "gone";
  store_.Store(20, info, true);
  std::vector name = {Field("container.name")};
  const auto event = testhost::events::AsyncEvent("container_removed", std::string("{}") + '\0');
  ASSERT_EQ(Extract(event, 20, name), SS_PLUGIN_SUCCESS);
  ASSERT_EQ(name[0].res_len, 1u);
  EXPECT_STREQ(*name[0].res.str, "gone");
  EXPECT_EQ(resolver_.lookups_hit() + resolver_.lookups_miss(), 0u);
}

}  // namespace
}  // namespace libcontainer
