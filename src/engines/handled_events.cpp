#include "engines/handled_events.h"

namespace libcontainer {

std::string HandledEvents::Key(const EngineEvent& event) {
  return std::to_string(static_cast<int>(event.kind)) + ":" + std::to_string(event.time_nano) + ":" +
         event.id;
}

bool HandledEvents::Claim(const EngineEvent& event) {
  std::string key = Key(event);
  std::lock_guard lock(mu_);
  if (claims_.count(key) != 0) return false;
  if (order_.size() >= capacity_) {
    auto& [oldest, claim] = order_.front();
    if (auto it = claims_.find(oldest); it != claims_.end() && it->second == claim) claims_.erase(it);
    order_.pop_front();
  }
  claims_.emplace(key, next_claim_);
  order_.emplace_back(std::move(key), next_claim_++);
  return true;
}

void HandledEvents::Release(const EngineEvent& event) {
  std::lock_guard lock(mu_);
  claims_.erase(Key(event));
}

}  // namespace libcontainer
