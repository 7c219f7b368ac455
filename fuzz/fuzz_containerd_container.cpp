// containerd's containers.v1.Container as the containers service returns it:
// the input is the message's wire bytes (ParseFromArray), so mutations reach
// every field, the created/updated timestamps and the spec Any included.
#include <cstddef>
#include <cstdint>
#include <string>

#include "containerd/services/containers/v1/containers.pb.h"
#include "engines/containerd/containerd_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  containerd::services::containers::v1::Container container;
  if (!container.ParseFromArray(data, static_cast<int>(size))) return 0;
  libcontainer::DecodeOptions options;
  options.label_max_len = size % 2 == 0 ? 100 : 0;
  std::string error;
  const auto info = libcontainer::DecodeContainerdContainer(container, options, &error);
  FUZZ_CHECK(info.has_value() != container.id().empty());
  if (info) FUZZ_CHECK(!info->name.empty());
  return 0;
}
