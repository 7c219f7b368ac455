// The plugin inside a host process that has a protobuf of its own (Debian's shared libprotobuf,
// linked into this test) with one of the plugin's .proto files already registered, as a host
// built with gRPC or another plugin may have. A plugin linked against the shared libprotobuf
// registers its descriptors in that same process-wide pool and aborts while loading ("File
// already exists in database: containerd/events/container.proto"); ours carries its protobuf
// linked in and hidden, with a pool of its own, so both live side by side.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <string>

#include "containerd/events/container.pb.h"
#include "host/plugin_host.h"

namespace {

TEST(ProtobufCoexistence, PluginLoadsBesideTheHostsOwnRegistrationOfItsProtos) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  ASSERT_NE(pool->FindFileByName("containerd/events/container.proto"), nullptr);

  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  ASSERT_NE(host, nullptr) << error;
  ASSERT_TRUE(host->Init("", &error)) << error;
  // The engine watchers (and with them gRPC) start and stop inside the same process.
  EXPECT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->DisableAsync(), SS_PLUGIN_SUCCESS);

  // The host's own types still resolve to its own descriptors and still work.
  containerd::events::ContainerCreate create;
  create.set_id("4f9a0c2d");
  EXPECT_EQ(create.GetDescriptor(), pool->FindMessageTypeByName("containerd.events.ContainerCreate"));
  containerd::events::ContainerCreate parsed;
  ASSERT_TRUE(parsed.ParseFromString(create.SerializeAsString()));
  EXPECT_EQ(parsed.id(), "4f9a0c2d");
}

}  // namespace
