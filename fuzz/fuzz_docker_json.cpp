// The docker decoders (also used for podman's compat API) on one input each
// run: container inspect, image inspect, network-mode lookup, the container
// list and an events line, plus the small parsers they are built from. The
// daemon's answers are outside data: a broken or hostile daemon, or a proxy in
// front of it, must only ever produce "malformed", never a throw or a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engines/common/engine_values.h"
#include "engines/docker/docker_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace decode = libcontainer::engine_decode;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  libcontainer::DecodeOptions options;
  options.label_max_len = size % 2 == 0 ? 100 : 0;
  options.with_size = size % 3 == 0;
  std::string error;

  std::string network_container;
  auto info = libcontainer::DecodeDockerInspect(text, options, &error, &network_container);
  FUZZ_CHECK(info.has_value() || !error.empty());
  FUZZ_CHECK(info.has_value() || network_container.empty());
  if (info) {
    FUZZ_CHECK(!info->full_id.empty());
    libcontainer::ApplyDockerImageInspect(text, &*info);
  }

  error.clear();
  const auto listed = libcontainer::engine_decode::ListedContainers(
      text, libcontainer::ContainerType::kDocker, options, &error);
  FUZZ_CHECK(listed.has_value() || !error.empty());
  if (listed) {
    for (const auto& entry : *listed) FUZZ_CHECK(!entry.full_id.empty());
  }

  if (const auto event = libcontainer::DecodeDockerEvent(text)) FUZZ_CHECK(!event->id.empty());

  (void)decode::ParseRfc3339Seconds(text);
  if (const auto nanos = decode::ParseRfc3339Nanos(text)) FUZZ_CHECK(*nanos >= 0);
  FUZZ_CHECK(decode::CountCpusetCpus(text) >= 0);
  (void)decode::ParseIpv4(text);
  return 0;
}
