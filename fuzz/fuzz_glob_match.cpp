// GlobMatch (the container.mount[<glob>] argument, typed in rules) against
// glibc's fnmatch without flags, which it documents to follow: input is
// `pattern NUL text`. Differential, since a wrong answer is the likely bug here
// rather than a crash.
//
// Left out, as GlobMatch documents no support for them: POSIX classes, collating
// symbols and equivalence classes (`[:`, `[.`, `[=` inside brackets). fnmatch
// backtracks per `*` (polynomial in the text length to the number of stars),
// so long inputs with many stars are skipped too.
#include <fnmatch.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/field_extractor.h"

namespace {

bool Unsupported(std::string_view pattern) {
  for (const char* construct : {"[:", "[.", "[="}) {
    if (pattern.find(construct) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  const std::string pattern(input.substr(0, nul));
  const std::string text(input.substr(nul + 1));
  if (text.find('\0') != std::string::npos || Unsupported(pattern)) return 0;
  if (std::count(pattern.begin(), pattern.end(), '*') > 3 || text.size() > 64) return 0;

  const bool ours = libcontainer::GlobMatch(pattern, text);
  const bool glibc = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
  if (ours != glibc) {
    std::fprintf(stderr, "GlobMatch(\"%s\", \"%s\") = %d, fnmatch says %d\n", pattern.c_str(), text.c_str(),
                 ours, glibc);
    std::abort();
  }
  return 0;
}
