// The libpod decoders: container inspect (libpod and compat shapes), the
// container list, an events-stream line and a line of podman's events log
// (a file any process of the podman user can append to). Never a throw or a
// crash, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engines/podman/podman_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  libcontainer::DecodeOptions options;
  options.label_max_len = size % 2 == 0 ? 100 : 0;
  options.with_size = size % 3 == 0;
  std::string error;

  const auto info = libcontainer::DecodePodmanInspect(text, options, &error);
  FUZZ_CHECK(info.has_value() || !error.empty());
  if (info) FUZZ_CHECK(!info->full_id.empty());

  error.clear();
  const auto listed = libcontainer::engine_decode::ListedContainers(
      text, libcontainer::ContainerType::kPodman, options, &error);
  FUZZ_CHECK(listed.has_value() || !error.empty());
  if (listed) {
    for (const auto& entry : *listed) FUZZ_CHECK(!entry.full_id.empty());
  }

  if (const auto event = libcontainer::DecodePodmanEvent(text)) FUZZ_CHECK(!event->id.empty());
  if (const auto event = libcontainer::DecodePodmanLogEvent(text)) FUZZ_CHECK(!event->id.empty());
  return 0;
}
