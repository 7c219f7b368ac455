#include "engines/grpc/proto_map.h"

#include <gtest/gtest.h>

#include <string>

#include "cri/api.pb.h"

namespace libcontainer {
namespace {

namespace cri = runtime::v1;

void Add(cri::ContainerStatus* status, const std::string& key, const std::string& value) {
  auto* entry = status->add_labels();
  entry->set_key(key);
  entry->set_value(value);
}

TEST(ProtoMapTest, LabelsReadAsAMapInAnyWireOrderTheLastValueOfAKeyDeciding) {
  cri::ContainerStatus status;
  Add(&status, "zeta", "1");
  Add(&status, "alpha", "first");
  Add(&status, "mid", "short");
  Add(&status, "alpha", "second");
  Add(&status, "mid", "a value over the limit");  // its last value is too long: left out
  Add(&status, "late", "a value over the limit");
  Add(&status, "late", "fits");  // its last value fits: kept
  Add(&status, "beta", "");
  Labels labels;
  ReadProtoLabels(status.labels(), 10, &labels);
  EXPECT_EQ(labels, (Labels{{"alpha", "second"}, {"beta", ""}, {"late", "fits"}, {"zeta", "1"}}));
}

TEST(ProtoMapTest, ValueOfAKeyIsItsLastOrEmpty) {
  cri::ContainerStatus status;
  Add(&status, "k", "1");
  Add(&status, "k", "2");
  EXPECT_EQ(ProtoMapValue(status.labels(), "k"), "2");
  EXPECT_EQ(ProtoMapValue(status.labels(), "missing"), "");
}

}  // namespace
}  // namespace libcontainer
