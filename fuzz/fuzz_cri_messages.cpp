// CRI runtime.v1 answers from their wire bytes (ParseFromArray): the first
// byte picks the message (ContainerStatusResponse alone or with its pod's
// PodSandboxStatusResponse, the sandbox itself, a container event) and the
// runtime name; the rest is the message. The container-with-pod case reads a
// 2-byte length to split the rest between the two messages.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cri/api.pb.h"
#include "engines/cri/cri_decoder.h"
#include "fuzz_check.h"

namespace {

constexpr std::string_view kRuntimeNames[] = {"containerd", "cri-o", "other"};

template <typename Message>
bool Parse(const uint8_t* data, size_t size, Message* out) {
  return out->ParseFromArray(data, static_cast<int>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view runtime = kRuntimeNames[(selector >> 2) % 3];
  ++data;
  --size;
  libcontainer::DecodeOptions options;
  options.label_max_len = (selector & 0x20) != 0 ? 0 : 100;
  std::string error;

  switch (selector & 3) {
    case 0: {
      runtime::v1::ContainerStatusResponse container;
      if (!Parse(data, size, &container)) return 0;
      const auto info = libcontainer::DecodeCriContainer(container, nullptr, runtime, options, &error);
      FUZZ_CHECK(info.has_value() || !error.empty());
      break;
    }
    case 1: {
      runtime::v1::PodSandboxStatusResponse sandbox;
      if (!Parse(data, size, &sandbox)) return 0;
      const auto info = libcontainer::DecodeCriSandbox(sandbox, runtime, options, &error);
      FUZZ_CHECK(info.has_value() || !error.empty());
      if (info) FUZZ_CHECK(info->is_pod_sandbox);
      break;
    }
    case 2: {
      runtime::v1::ContainerEventResponse event;
      if (!Parse(data, size, &event)) return 0;
      if (const auto decoded = libcontainer::DecodeCriContainerEvent(event)) {
        FUZZ_CHECK(decoded->id == event.container_id() && !decoded->id.empty());
      }
      break;
    }
    default: {
      if (size < 2) return 0;
      const size_t split = std::min<size_t>(size - 2, size_t{data[0]} << 8 | data[1]);
      runtime::v1::ContainerStatusResponse container;
      runtime::v1::PodSandboxStatusResponse sandbox;
      if (!Parse(data + 2, split, &container) || !Parse(data + 2 + split, size - 2 - split, &sandbox))
        return 0;
      const auto pod = libcontainer::DecodeCriPod(sandbox, options);
      FUZZ_CHECK(pod.has_value() == sandbox.has_status());
      const auto info =
          libcontainer::DecodeCriContainer(container, pod ? &*pod : nullptr, runtime, options, &error);
      FUZZ_CHECK(info.has_value() || !error.empty());
      break;
    }
  }
  return 0;
}
