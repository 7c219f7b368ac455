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
  last_info_ = it->second.get();
  return last_info_;
}

std::shared_ptr<const ContainerInfo> ContainerCache::Get(std::string_view id) const {
  if (id.empty()) return host_;
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second;
}

bool ContainerCache::Upsert(std::shared_ptr<const ContainerInfo> info) {
  last_info_ = nullptr;
  auto it = entries_.find(std::string_view(info->id));
  if (it != entries_.end()) {
    it->second = std::move(info);
    return false;
  }
  std::string key = info->id;
  entries_.emplace(std::move(key), std::move(info));
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
