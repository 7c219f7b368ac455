// The OCI runtime spec inside a containerd Container (its spec Any holds the
// spec as JSON, which protobuf mutations of fuzz_containerd_container rarely
// keep valid): the input is that JSON, decoded through the real entry point.
#include <cstddef>
#include <cstdint>
#include <string>

#include "containerd/services/containers/v1/containers.pb.h"
#include "engines/containerd/containerd_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  containerd::services::containers::v1::Container container;
  container.set_id("0123456789abcdef");
  container.set_image("docker.io/library/busybox:latest");
  container.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Spec");
  container.mutable_spec()->set_value(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto info = libcontainer::DecodeContainerdContainer(container, libcontainer::DecodeOptions{}, &error);
  FUZZ_CHECK(info.has_value() && info->full_id == container.id());
  return 0;
}
