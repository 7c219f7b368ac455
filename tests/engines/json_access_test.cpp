// ParseDocumentMember: one top-level member of a document is built, the rest
// is still read and checked.
#include "engines/common/json_access.h"

#include <gtest/gtest.h>

#include <string>

namespace libcontainer::json_access {
namespace {

TEST(ParseDocumentMemberTest, KeepsOnlyTheNamedTopLevelMember) {
  const std::string text =
      R"({"runtimeSpec":{"cniResult":"nested, kept with its parent only if asked"},)"
      R"("cniResult":{"Interfaces":{"eth0":{"IPConfigs":[{"IP":"10.0.0.5"}]}}},"pid":42})";
  Json doc;
  std::string error;
  ASSERT_TRUE(ParseDocumentMember(text, "cniResult", &doc, &error)) << error;
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc.at("cniResult").at("Interfaces").at("eth0").at("IPConfigs").at(0).at("IP"), "10.0.0.5");

  // The whole document, for comparison: the same member, and the others.
  Json whole;
  ASSERT_TRUE(ParseDocument(text, &whole, &error)) << error;
  EXPECT_EQ(whole.size(), 3u);
  EXPECT_EQ(whole.at("cniResult"), doc.at("cniResult"));
}

TEST(ParseDocumentMemberTest, AbsentMemberLeavesAnEmptyObject) {
  Json doc;
  ASSERT_TRUE(ParseDocumentMember(R"({"pid":42,"runtimeSpec":{}})", "cniResult", &doc, nullptr));
  EXPECT_TRUE(doc.is_object());
  EXPECT_TRUE(doc.empty());
}

TEST(ParseDocumentMemberTest, DroppedMembersAreStillChecked) {
  Json doc;
  std::string error;
  EXPECT_FALSE(ParseDocumentMember(R"({"pid":[1,,2],"cniResult":{}})", "cniResult", &doc, &error));
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  std::string deep = R"({"pid":)" + std::string(300, '[') + std::string(300, ']') + R"(,"cniResult":{}})";
  EXPECT_FALSE(ParseDocumentMember(deep, "cniResult", &doc, &error));
  EXPECT_EQ(error, "JSON nested too deeply");
}

TEST(ParseDocumentMemberTest, InvalidUtf8InTheKeptMemberIsReplacedNotFatal) {
  Json doc;
  std::string error;
  ASSERT_TRUE(ParseDocumentMember("{\"pid\":\"a\xff\",\"cniResult\":{\"name\":\"b\xfe\"}}", "cniResult", &doc,
                                  &error))
      << error;
  EXPECT_EQ(doc.at("cniResult").at("name"), "b\xEF\xBF\xBD");
}

}  // namespace
}  // namespace libcontainer::json_access
