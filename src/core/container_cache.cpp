#include "core/container_cache.h"

namespace libcontainer {

ContainerCache::ContainerCache() {
  auto host = std::make_shared<ContainerInfo>();
  host->type = ContainerType::kHost;
  host->id = "host";
  host->full_id = "host";
  host->name = "host";
  host_ = std::move(host);
}

const ContainerInfo* ContainerCache::Find(std::string_view id) const {
  if (id.empty()) return host_.get();
  if (last_info_ != nullptr && id == last_id_) return last_info_;
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  last_id_.assign(id);
  last_info_ = it->get();
  return last_info_;
}

std::shared_ptr<const ContainerInfo> ContainerCache::Get(std::string_view id) const {
  if (id.empty()) return host_;
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : *it;
}

bool ContainerCache::Upsert(std::shared_ptr<const ContainerInfo> info) {
  last_info_ = nullptr;
  auto it = entries_.find(std::string_view(info->id));
  if (it != entries_.end()) {
    // Set elements are const: the node is taken out, given the new record
    // (same id, so same place) and put back, without allocating.
    auto node = entries_.extract(it);
    node.value() = std::move(info);
    entries_.insert(std::move(node));
    return false;
  }
  entries_.insert(std::move(info));
  return true;
}

bool ContainerCache::Erase(std::string_view id) {
  last_info_ = nullptr;
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

}  // namespace libcontainer
