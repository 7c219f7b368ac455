// The JSON in a verbose CRI status (info["info"]: containerd's runtimeSpec,
// pid, sandbox config, CNI result, ...), which protobuf mutations of
// fuzz_cri_messages rarely keep valid. The input is that document, given to a
// container and to its pod, decoded through the real entry points.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cri/api.pb.h"
#include "engines/cri/cri_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  runtime::v1::PodSandboxStatusResponse sandbox;
  sandbox.mutable_status()->set_id("fedcba9876543210");
  sandbox.mutable_status()->mutable_metadata()->set_name("pod");
  (*sandbox.mutable_info())["info"] = json;
  runtime::v1::ContainerStatusResponse container;
  container.mutable_status()->set_id("0123456789abcdef");
  container.mutable_status()->mutable_metadata()->set_name("app");
  container.mutable_status()->mutable_image()->set_image("docker.io/library/busybox:latest");
  (*container.mutable_info())["info"] = json;

  std::string error;
  const auto facts = libcontainer::DecodeCriPod(sandbox, libcontainer::DecodeOptions{});
  FUZZ_CHECK(facts.has_value() && facts->sandbox_id == sandbox.status().id());
  const auto info = libcontainer::DecodeCriContainer(container, &*facts, "containerd",
                                                     libcontainer::DecodeOptions{}, &error);
  FUZZ_CHECK(info.has_value() && info->full_id == container.status().id());
  const auto pod = libcontainer::DecodeCriSandbox(sandbox, "cri-o", libcontainer::DecodeOptions{}, &error);
  FUZZ_CHECK(pod.has_value() && pod->is_pod_sandbox);
  return 0;
}
