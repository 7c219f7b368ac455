// RecentImages: a docker image's inspect answers its containers for a few seconds.
#include "engines/docker/recent_images.h"

#include <gtest/gtest.h>

#include <string>

namespace libcontainer {
namespace {

using namespace std::chrono_literals;
using Clock = RecentImages::Clock;

TEST(RecentImagesTest, AnAnswerServesItsImageForItsLifetime) {
  RecentImages images(5000ms, 4);
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(images.Find("sha256:aa", t0).has_value());
  images.Keep("sha256:aa", "{\"Id\":\"sha256:aa\"}", t0);
  EXPECT_EQ(images.Find("sha256:aa", t0 + 4s), "{\"Id\":\"sha256:aa\"}");
  EXPECT_FALSE(images.Find("sha256:bb", t0 + 1s).has_value());
  // Older than its lifetime: the image may have been pulled or pushed since.
  EXPECT_FALSE(images.Find("sha256:aa", t0 + 6s).has_value());
}

TEST(RecentImagesTest, AtCapacityExpiredAnswersGoFirstThenAll) {
  RecentImages images(5000ms, 2);
  const Clock::time_point t0 = Clock::now();
  images.Keep("old", "1", t0);
  images.Keep("new", "2", t0 + 4s);
  images.Keep("third", "3", t0 + 6s);  // "old" has expired and makes room
  EXPECT_EQ(images.Find("new", t0 + 6s), "2");
  EXPECT_EQ(images.Find("third", t0 + 6s), "3");
  images.Keep("fourth", "4", t0 + 7s);  // nothing expired: the kept answers go
  EXPECT_FALSE(images.Find("new", t0 + 7s).has_value());
  EXPECT_EQ(images.Find("fourth", t0 + 7s), "4");
  images.Keep("fourth", "5", t0 + 7s);  // a known image is replaced, never evicts
  EXPECT_EQ(images.Find("fourth", t0 + 7s), "5");
}

}  // namespace
}  // namespace libcontainer
