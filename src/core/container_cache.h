// The plugin's container metadata, keyed by short container id.
//
// Only the event thread touches it (parse, extract, capture open, dump):
// watcher threads hand records over as async events, which the host feeds
// back through parse. That is why it needs no lock.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/container_info.h"
#include "core/field_extractor.h"

namespace libcontainer {

class ContainerCache : public ContainerLookup {
 public:
  ContainerCache();

  // The synthetic entry for host processes (key "").
  const ContainerInfo& host() const { return *host_; }

  const ContainerInfo* Find(std::string_view id) const override;
  std::shared_ptr<const ContainerInfo> Get(std::string_view id) const;
  // Inserts or replaces the entry under info->id; returns true if it was new.
  bool Upsert(std::shared_ptr<const ContainerInfo> info);
  bool Erase(std::string_view id);
  // Containers only (the host entry is not counted).
  size_t size() const { return entries_.size(); }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [id, info] : entries_) fn(*info);
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Consecutive events mostly come from the same container: remembering the
  // last lookup skips hashing the id. Any mutation forgets it.
  mutable std::string last_id_;
  mutable const ContainerInfo* last_info_ = nullptr;

  std::shared_ptr<const ContainerInfo> host_;
  std::unordered_map<std::string, std::shared_ptr<const ContainerInfo>, Hash, std::equal_to<>> entries_;
};

}  // namespace libcontainer
