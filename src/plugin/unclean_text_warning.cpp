#include "plugin/unclean_text_warning.h"

#include "core/container_text.h"

namespace libcontainer {

void UncleanTextWarning::Check(const ContainerInfo& info) {
  if (HasCleanText(info)) return;
  {
    std::lock_guard lock(mu_);
    if (told_.count(info.full_id) != 0) return;
    if (told_.size() >= kMaxRemembered) told_.clear();
    told_.insert(info.full_id);
  }
  logger_.Warning(std::string(ContainerTypeName(info.type)) + " container " + CleanText(info.id) + " (" +
                  CleanText(info.name) +
                  "): some of its text (name, labels, image, ...) is not UTF-8 or holds NULs; "
                  "Falco gets U+FFFD in place of each such byte");
}

void UncleanTextWarning::Forget(const ContainerInfo& info) {
  std::lock_guard lock(mu_);
  told_.erase(info.full_id);
}

}  // namespace libcontainer
