#include "engines/handled_events.h"

#include <utility>

namespace libcontainer {

std::string HandledEvents::Key(const EngineEvent& event) {
  return std::to_string(static_cast<int>(event.kind)) + ":" + std::to_string(event.time_nano) + ":" +
         event.id;
}

bool HandledEvents::BeforeRemovalLocked(const EngineEvent& event) const {
  if (event.kind != EngineEvent::Kind::kCreate && event.kind != EngineEvent::Kind::kStart) return false;
  const auto it = removals_.find(event.id);
  if (it == removals_.end()) return false;
  return it->second.time_nano == 0 || event.time_nano <= it->second.time_nano;
}

void HandledEvents::ForgetOldestLocked() {
  const Claimed& oldest = order_.front();
  if (auto it = claims_.find(oldest.key); it != claims_.end() && it->second == oldest.number)
    claims_.erase(it);
  if (oldest.removal) {
    // The key ends with the id: kind:time:id.
    const std::string id = oldest.key.substr(oldest.key.find(':', oldest.key.find(':') + 1) + 1);
    if (auto it = removals_.find(id); it != removals_.end() && it->second.number == oldest.number) {
      removals_.erase(it);
    }
  }
  order_.pop_front();
}

bool HandledEvents::Claim(const EngineEvent& event) {
  std::string key = Key(event);
  std::lock_guard lock(mu_);
  if (claims_.count(key) != 0 || BeforeRemovalLocked(event)) return false;
  if (order_.size() >= capacity_) ForgetOldestLocked();
  const uint64_t number = next_claim_++;
  const bool removal = event.kind == EngineEvent::Kind::kRemove;
  if (removal) removals_.insert_or_assign(event.id, Removal{event.time_nano, number});
  claims_.emplace(key, number);
  order_.push_back({std::move(key), number, removal});
  return true;
}

void HandledEvents::Release(const EngineEvent& event) {
  std::lock_guard lock(mu_);
  claims_.erase(Key(event));
}

size_t HandledEvents::size() const {
  std::lock_guard lock(mu_);
  return order_.size();
}

}  // namespace libcontainer
