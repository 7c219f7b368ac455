// Cleaning engine text for Falco: bytes that are not well-formed UTF-8 and
// NULs become U+FFFD, everywhere in a record, label keys included; clean
// text is left alone; and the payload written and read back is clean.
#include "core/container_text.h"

#include <gtest/gtest.h>

#include <string>

#include "core/container_json.h"

namespace libcontainer {
namespace {

const std::string kFffd(kReplacementCharacter);
const std::string kNul(1, '\0');

TEST(ContainerTextTest, WellFormedUtf8WithoutNulsIsClean) {
  EXPECT_TRUE(IsCleanText(""));
  EXPECT_TRUE(IsCleanText("nginx:1.25"));
  EXPECT_TRUE(IsCleanText("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3"));  // 2, 3 and 4 bytes
  EXPECT_EQ(CleanText("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(ContainerTextTest, EachBadByteAndEachNulBecomesOneReplacement) {
  EXPECT_FALSE(IsCleanText("a" + kNul + "b"));
  EXPECT_EQ(CleanText("a" + kNul + "b"), "a" + kFffd + "b");
  EXPECT_EQ(CleanText("\x80"), kFffd);                                      // a lone continuation byte
  EXPECT_EQ(CleanText("x\xC3"), "x" + kFffd);                               // cut short at the end
  EXPECT_EQ(CleanText("\xC3x"), kFffd + "x");                               // cut short by the next character
  EXPECT_EQ(CleanText("\xC0\xAF"), kFffd + kFffd);                          // overlong
  EXPECT_EQ(CleanText("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // a surrogate
  EXPECT_EQ(CleanText("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // above U+10FFFF
  EXPECT_EQ(CleanText("\xFF"), kFffd);
}

TEST(ContainerTextTest, ReplaceInvalidUtf8KeepsNulsForJsonText) {
  std::string out;
  EXPECT_FALSE(ReplaceInvalidUtf8("a" + kNul + "b", &out));
  EXPECT_EQ(out, "a" + kNul + "b");
  EXPECT_TRUE(ReplaceInvalidUtf8("a\xFF", &out));
  EXPECT_EQ(out, "a" + kFffd);
}

ContainerInfo DirtyRecord() {
  ContainerInfo info;
  info.id = "abc";
  info.name = "we" + kNul + "b";
  info.image = "nginx\xFF";
  info.env = {"A=1\x80"};
  info.labels = {{"ok", "fine"}, {"nul", "a" + kNul + "b"}, {"k\xFF", "v"}};
  info.pod_sandbox_labels = {{"app", "\xC3"}};
  info.mounts.push_back(ContainerMount{"/src" + kNul, "/dst", "ro", false, "rprivate"});
  info.healthcheck = ProbeCommand{"/bin/sh", {"-c", "echo \xFF"}};
  return info;
}

TEST(ContainerTextTest, CleansEveryStringOfARecord) {
  ContainerInfo info = DirtyRecord();
  EXPECT_FALSE(HasCleanText(info));
  EXPECT_TRUE(CleanContainerText(&info));
  EXPECT_TRUE(HasCleanText(info));
  EXPECT_EQ(info.id, "abc");
  EXPECT_EQ(info.name, "we" + kFffd + "b");
  EXPECT_EQ(info.image, "nginx" + kFffd);
  EXPECT_EQ(info.env[0], "A=1" + kFffd);
  EXPECT_EQ(info.labels.at("ok"), "fine");
  EXPECT_EQ(info.labels.at("nul"), "a" + kFffd + "b");
  EXPECT_EQ(info.labels.at("k" + kFffd), "v");
  EXPECT_EQ(info.pod_sandbox_labels.at("app"), kFffd);
  EXPECT_EQ(info.mounts[0].source, "/src" + kFffd);
  EXPECT_EQ(info.healthcheck->args[1], "echo " + kFffd);
  EXPECT_FALSE(CleanContainerText(&info));  // nothing left to do
}

TEST(ContainerTextTest, LabelKeysThatBecomeEqualKeepTheFirstValue) {
  ContainerInfo info;
  info.labels = {{"k" + kNul, "nul"}, {"k\xFF", "ff"}};  // "k\0" sorts first
  CleanContainerText(&info);
  ASSERT_EQ(info.labels.size(), 1u);
  EXPECT_EQ(info.labels.at("k" + kFffd), "nul");
}

// The payload Falco gets holds neither NULs (not even as \u0000) nor bad
// bytes, and reads back as the cleaned record.
TEST(ContainerTextTest, ThePayloadIsCleanBothWays) {
  const ContainerInfo dirty = DirtyRecord();
  const std::string json = ContainerToJson(dirty);
  EXPECT_TRUE(IsCleanText(json));
  EXPECT_EQ(json.find("\\u0000"), std::string::npos) << json;
  ContainerInfo read;
  std::string error;
  ASSERT_TRUE(ContainerFromJson(json, &read, &error)) << error;
  ContainerInfo cleaned = dirty;
  CleanContainerText(&cleaned);
  EXPECT_EQ(read.name, cleaned.name);
  EXPECT_EQ(read.labels, cleaned.labels);
  EXPECT_EQ(read.mounts, cleaned.mounts);

  // Another writer's payload with \u0000 escapes reads as clean text too.
  ASSERT_TRUE(ContainerFromJson(R"({"container":{"id":"abc","name":"a\u0000b","labels":{"x\u0000":"y"}}})",
                                &read, &error))
      << error;
  EXPECT_EQ(read.name, "a" + kFffd + "b");
  EXPECT_EQ(read.labels.at("x" + kFffd), "y");
}

}  // namespace
}  // namespace libcontainer
