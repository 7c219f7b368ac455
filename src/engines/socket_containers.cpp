#include "engines/socket_containers.h"

namespace libcontainer {

void SocketContainers::Shown(Socket socket, std::string_view id, ContainerType type) {
  if (id.empty()) return;
  std::lock_guard lock(mu_);
  if (auto it = owners_.find(id); it != owners_.end()) {
    it->second = Owner{socket, type};
    return;
  }
  owners_.emplace(std::string(id), Owner{socket, type});
}

void SocketContainers::Removed(std::string_view id) {
  std::lock_guard lock(mu_);
  if (auto it = owners_.find(id); it != owners_.end()) owners_.erase(it);
}

std::vector<SocketContainers::Gone> SocketContainers::Relisted(
    Socket socket, const std::unordered_map<std::string, ContainerType>& listed) {
  std::vector<Gone> gone;
  std::lock_guard lock(mu_);
  for (auto it = owners_.begin(); it != owners_.end();) {
    if (it->second.socket == socket && listed.count(it->first) == 0) {
      gone.push_back({it->first, it->second.type});
      it = owners_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [id, type] : listed) {
    auto [it, added] = owners_.try_emplace(id, Owner{socket, type});
    if (added) continue;
    // A listed container whose answer was unusable keeps the type it had.
    it->second = Owner{socket, type == ContainerType::kUnknown ? it->second.type : type};
  }
  return gone;
}

std::vector<std::string> SocketContainers::OwnedBy(Socket socket) const {
  std::vector<std::string> ids;
  std::lock_guard lock(mu_);
  for (const auto& [id, owner] : owners_) {
    if (owner.socket == socket) ids.push_back(id);
  }
  return ids;
}

std::vector<SocketContainers::Gone> SocketContainers::Reconciled(
    Socket socket, const std::vector<std::string>& before, const std::unordered_set<std::string>& listed) {
  std::vector<Gone> gone;
  std::lock_guard lock(mu_);
  for (const std::string& id : before) {
    if (listed.count(id) != 0) continue;
    // Removed meanwhile (its event came), or shown again by another socket.
    const auto it = owners_.find(id);
    if (it == owners_.end() || it->second.socket != socket) continue;
    gone.push_back({it->first, it->second.type});
    owners_.erase(it);
  }
  return gone;
}

size_t SocketContainers::size() const {
  std::lock_guard lock(mu_);
  return owners_.size();
}

}  // namespace libcontainer
