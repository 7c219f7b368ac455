// Tells the host's log, once per container, that an engine sent text that is
// not UTF-8 or holds NULs (names, labels and their keys, image, ...). Falco
// gets U+FFFD in its place (core/container_text.h), so a rule written
// against the engine's bytes would not match: the operator should know. Once,
// because a container is reported again and again (listing, events, lookups)
// and the log is shared with Falco's alerts.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/container_info.h"
#include "core/logger.h"

namespace libcontainer {

class UncleanTextWarning {
 public:
  // At most this many containers are remembered (only those with such text);
  // past it the memory starts afresh, and a container may be told of again.
  static constexpr size_t kMaxRemembered = 4096;

  explicit UncleanTextWarning(const Logger& logger) : logger_(logger) {}

  // For every record an engine reports; thread-safe.
  void Check(const ContainerInfo& info);
  // The container is gone: told of again if it comes back.
  void Forget(const ContainerInfo& info);

 private:
  const Logger& logger_;
  std::mutex mu_;
  std::unordered_set<std::string> told_;  // full ids; guarded by mu_
};

}  // namespace libcontainer
