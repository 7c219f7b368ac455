// Text an engine sent that is not UTF-8 (or holds NULs) is told of once per
// container, however often the container is reported, and again only after
// its removal.
#include "plugin/unclean_text_warning.h"

#include <gtest/gtest.h>

#include <string>

#include "engines/fake_engine.h"

namespace libcontainer {
namespace {

using engine_testing::CapturingLogger;

ContainerInfo Record(const std::string& id, const std::string& name) {
  ContainerInfo info;
  info.type = ContainerType::kCri;
  info.full_id = id + std::string(64 - id.size(), 'z');  // no two alike
  info.id = info.full_id.substr(0, 12);
  info.name = name;
  return info;
}

TEST(UncleanTextWarningTest, OncePerContainerUntilRemoved) {
  CapturingLogger logger;
  UncleanTextWarning warning(logger);
  ContainerInfo bad_key = Record("a1", "web");
  bad_key.labels.emplace("k\x80", "v");
  ContainerInfo bad_name = Record("b2", std::string("n\0m", 3));
  const ContainerInfo clean = Record("c3", "fine");
  for (int i = 0; i < 3; ++i) {  // listed, then an event, then a lookup
    warning.Check(bad_key);
    warning.Check(bad_name);
    warning.Check(clean);
  }
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "not UTF-8"), 2u);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "container a1zzzzzzzzzz (web)"), 1u);
  // The name in the log line is cleaned too: no NUL ends the line early.
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "container b2zzzzzzzzzz (n\xEF\xBF\xBDm)"), 1u);
  EXPECT_FALSE(logger.Contains(LogLevel::kWarning, "c3zzzzzzzzzz"));

  warning.Forget(bad_key);
  warning.Check(bad_key);
  warning.Check(bad_name);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "container a1zzzzzzzzzz (web)"), 2u);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "not UTF-8"), 3u);
}

TEST(UncleanTextWarningTest, MemoryIsBounded) {
  CapturingLogger logger;
  UncleanTextWarning warning(logger);
  ContainerInfo first = Record("f0", "first");
  first.image = "img\xC3";
  warning.Check(first);
  for (size_t n = 1; n < UncleanTextWarning::kMaxRemembered; ++n) {
    ContainerInfo other = Record("e" + std::to_string(n), "other");
    other.image = "img\xC3";
    warning.Check(other);
  }
  warning.Check(first);  // still remembered: the set holds exactly the maximum
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "(first)"), 1u);
  ContainerInfo one_more = Record("x1", "one-more");
  one_more.image = "img\xC3";
  warning.Check(one_more);  // past the maximum: the memory starts afresh
  warning.Check(first);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "(first)"), 2u);
  EXPECT_EQ(logger.Count(LogLevel::kWarning, "not UTF-8"), UncleanTextWarning::kMaxRemembered + 2);
}

}  // namespace
}  // namespace libcontainer
