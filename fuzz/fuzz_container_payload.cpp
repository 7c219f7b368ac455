// The `container` async event payload (ContainerFromJson): what other
// plugins, older captures and libscap's converter hand us. Documented to fail
// only by returning false, never by throwing; what it accepts must survive
// our own writer and reader unchanged (the payload is re-emitted).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/container_json.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  libcontainer::ContainerInfo info;
  std::string error;
  if (!libcontainer::ContainerFromJson(text, &info, &error)) {
    FUZZ_CHECK(!error.empty());
    return 0;
  }
  const std::string written = libcontainer::ContainerToJson(info);
  libcontainer::ContainerInfo again;
  FUZZ_CHECK(libcontainer::ContainerFromJson(written, &again, &error));
  FUZZ_CHECK(libcontainer::ContainerToJson(again) == written);
  return 0;
}
