#include "engines/docker/recent_images.h"

namespace libcontainer {

std::optional<std::string> RecentImages::Find(const std::string& image, Clock::time_point now) const {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(image);
  if (it == entries_.end() || now - it->second.second > lifetime_) return std::nullopt;
  return it->second.first;
}

void RecentImages::Keep(const std::string& image, std::string body, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_ && entries_.count(image) == 0) {
    std::erase_if(entries_, [&](const auto& entry) { return now - entry.second.second > lifetime_; });
    // Still full: as many images in a few seconds is no listing of replicas.
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(image, std::make_pair(std::move(body), now));
}

}  // namespace libcontainer
