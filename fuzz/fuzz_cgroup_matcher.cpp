// The cgroup matcher on arbitrary paths (a process's cgroup, read from the
// kernel by the host but chosen by whoever names cgroups). The first byte
// picks the matcher's options; the rest is the path. What it returns must be
// views into the path, and the short id a prefix of the full one.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "core/cgroup_matcher.h"
#include "fuzz_check.h"

namespace {

bool Inside(std::string_view part, std::string_view whole) {
  // std::less gives a total order on pointers into unrelated buffers too.
  const std::less<const char*> before;
  return part.empty() || (!before(part.data(), whole.data()) &&
                          !before(whole.data() + whole.size(), part.data() + part.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  libcontainer::MatcherOptions options;
  options.lxc = (data[0] & 1) != 0;
  options.libvirt_lxc = (data[0] & 2) != 0;
  options.bpm = (data[0] & 4) != 0;
  const std::string_view path(reinterpret_cast<const char*>(data + 1), size - 1);
  const libcontainer::CgroupMatcher matcher(options);
  libcontainer::CgroupMatch match;
  if (!matcher.Match(path, &match)) return 0;
  FUZZ_CHECK(!match.id.empty());
  FUZZ_CHECK(Inside(match.id, path));
  FUZZ_CHECK(Inside(match.full_id, path));
  FUZZ_CHECK(match.full_id.substr(0, match.id.size()) == match.id);
  return 0;
}
