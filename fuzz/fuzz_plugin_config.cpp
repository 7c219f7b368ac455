// The plugin's init config (ParsePluginConfig), a string Falco passes from
// falco.yaml. Documented to reject bad input with ConfigError only: any other
// exception escapes this function and libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/plugin_config.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const libcontainer::PluginConfig config = libcontainer::ParsePluginConfig(text);
    // The documented range of the one bounded number of ours.
    FUZZ_CHECK(config.cgroup_cache_size >= 16 && config.cgroup_cache_size <= 1048576);
  } catch (const libcontainer::ConfigError& e) {
    FUZZ_CHECK(e.what()[0] != '\0');
  }
  return 0;
}
