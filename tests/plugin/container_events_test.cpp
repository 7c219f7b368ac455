#include "plugin/container_events.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/event_builder.h"

namespace libcontainer {
namespace {

using Outcome = DecodedContainerEvent::Outcome;

DecodedContainerEvent Decode(const std::vector<uint8_t>& bytes) {
  auto view = EventView::Parse(bytes.data());
  EXPECT_TRUE(view.has_value());
  if (!view) return {};
  EXPECT_TRUE(IsContainerEventType(view->type()));
  return DecodeContainerEvent(*view);
}

std::string Payload(const std::string& container) {
  return R"({"container":)" + container + "}" + std::string(1, '\0');
}

TEST(ContainerEventsTest, OurAsyncEventsAddAndRemoveContainers) {
  const std::string json = R"({"type":0,"id":"eba371cc398f","full_id":"eba371cc398f5f32","name":"web"})";
  auto added = Decode(testhost::events::AsyncEvent("container", Payload(json)));
  ASSERT_EQ(added.outcome, Outcome::kContainer);
  EXPECT_FALSE(added.removed);
  EXPECT_EQ(added.info->id, "eba371cc398f");
  EXPECT_EQ(added.info->name, "web");

  auto removed = Decode(testhost::events::AsyncEvent("container_removed", Payload(json)));
  ASSERT_EQ(removed.outcome, Outcome::kContainer);
  EXPECT_TRUE(removed.removed);
}

TEST(ContainerEventsTest, OtherAsyncEventsAreIgnored) {
  auto other = Decode(testhost::events::AsyncEvent("something_else", Payload("{}")));
  EXPECT_EQ(other.outcome, Outcome::kIgnored);
}

TEST(ContainerEventsTest, AnIdIsTakenFromTheFullIdWhenMissing) {
  auto event = Decode(testhost::events::AsyncEvent(
      "container", Payload(R"({"type":0,"full_id":"eba371cc398f5f32b983653f36cadd03"})")));
  ASSERT_EQ(event.outcome, Outcome::kContainer);
  EXPECT_EQ(event.info->id, "eba371cc398f");
}

TEST(ContainerEventsTest, UnusablePayloadsAreMalformedWithAReason) {
  auto bad_json = Decode(testhost::events::AsyncEvent("container", std::string("{nope") + '\0'));
  EXPECT_EQ(bad_json.outcome, Outcome::kMalformed);
  EXPECT_NE(bad_json.warning.find("malformed container event"), std::string::npos) << bad_json.warning;

  auto no_id = Decode(testhost::events::AsyncEvent("container", Payload(R"({"type":0,"name":"web"})")));
  EXPECT_EQ(no_id.outcome, Outcome::kMalformed);
  EXPECT_EQ(no_id.warning, "skipping container event without an id");
}

TEST(ContainerEventsTest, LegacyEventsOfOlderCaptures) {
  auto legacy =
      Decode(testhost::events::LegacyContainer("eba371cc398f5f32b983653f36cadd03", 0, "web", "nginx:1.25"));
  ASSERT_EQ(legacy.outcome, Outcome::kContainer);
  EXPECT_EQ(legacy.info->id, "eba371cc398f");
  EXPECT_EQ(legacy.info->full_id, "eba371cc398f5f32b983653f36cadd03");
  EXPECT_EQ(legacy.info->type, ContainerType::kDocker);
  EXPECT_EQ(legacy.info->image_repo, "nginx");
  EXPECT_EQ(legacy.info->image_tag, "1.25");

  auto no_id = Decode(testhost::events::LegacyContainer("", 0, "web", "nginx"));
  EXPECT_EQ(no_id.outcome, Outcome::kMalformed);
  EXPECT_TRUE(no_id.warning.empty());

  const std::string json = R"({"container":{"type":0,"id":"eba371cc398f","name":"web"}})";
  EXPECT_EQ(Decode(testhost::events::LegacyContainerJson(json)).outcome, Outcome::kContainer);
  EXPECT_EQ(Decode(testhost::events::LegacyContainerJson2(json)).outcome, Outcome::kContainer);
  EXPECT_EQ(Decode(testhost::events::LegacyContainerJson("")).outcome, Outcome::kIgnored);
}

TEST(ContainerEventsTest, OnlyContainerCarryingTypesAreContainerEvents) {
  EXPECT_TRUE(IsContainerEventType(event_type::kAsyncEvent));
  EXPECT_TRUE(IsContainerEventType(event_type::kContainer));
  EXPECT_TRUE(IsContainerEventType(event_type::kContainerJson));
  EXPECT_TRUE(IsContainerEventType(event_type::kContainerJson2));
  EXPECT_FALSE(IsContainerEventType(event_type::kCloneExit));
  EXPECT_FALSE(IsContainerEventType(event_type::kProcExit));
}

}  // namespace
}  // namespace libcontainer
