#include "core/container_merge.h"

#include <gtest/gtest.h>

namespace libcontainer {
namespace {

ContainerInfo CriRecord() {
  ContainerInfo info;
  info.type = ContainerType::kCri;
  info.id = "c49553200d69";
  info.full_id = "c49553200d69fa382feba5a5c76f506c39a2dbd2ad59b9e87c8c83dabb623e00";
  info.name = "web";
  info.ip = "10.0.0.7";
  info.pod_sandbox_id = "aaaa";
  info.labels = {{"io.kubernetes.pod.name", "web-1"}};
  info.pod_sandbox_labels = {{"app", "web"}};
  return info;
}

ContainerInfo NativeRecord() {
  ContainerInfo info;
  info.type = ContainerType::kContainerd;
  info.id = "c49553200d69";
  info.full_id = "c49553200d69fa382feba5a5c76f506c39a2dbd2ad59b9e87c8c83dabb623e00";
  info.name = info.full_id;  // the native API has no names
  info.image = "docker.io/library/nginx:1.25";
  info.labels = {{"io.cri-containerd.kind", "container"}};
  return info;
}

TEST(ContainerMergeTest, NameNeverFlipsBackToTheIdWhateverTheOrder) {
  auto cri_then_native = MergeContainerRecords(CriRecord(), NativeRecord());
  EXPECT_EQ(cri_then_native.name, "web");
  EXPECT_EQ(cri_then_native.type, ContainerType::kCri);
  EXPECT_EQ(cri_then_native.ip, "10.0.0.7");
  EXPECT_EQ(cri_then_native.pod_sandbox_labels.at("app"), "web");
  EXPECT_EQ(cri_then_native.image, "docker.io/library/nginx:1.25");

  EXPECT_EQ(cri_then_native.labels.at("io.kubernetes.pod.name"), "web-1");
  EXPECT_EQ(cri_then_native.labels.at("io.cri-containerd.kind"), "container");

  auto native_then_cri = MergeContainerRecords(NativeRecord(), CriRecord());
  EXPECT_EQ(native_then_cri.name, "web");
  EXPECT_EQ(native_then_cri.type, ContainerType::kCri);
  EXPECT_EQ(native_then_cri.image, "docker.io/library/nginx:1.25");
}

TEST(ContainerMergeTest, LaterFactsWinWhenBothSourcesHaveThem) {
  ContainerInfo created = CriRecord();
  created.ip.clear();
  ContainerInfo started = CriRecord();
  started.name = "web-renamed";
  started.ip = "10.0.0.8";
  auto merged = MergeContainerRecords(created, started);
  EXPECT_EQ(merged.name, "web-renamed");
  EXPECT_EQ(merged.ip, "10.0.0.8");
  // And a later record without the IP keeps the one learnt at start.
  auto again = MergeContainerRecords(merged, created);
  EXPECT_EQ(again.ip, "10.0.0.8");
}

}  // namespace
}  // namespace libcontainer
