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
#include <unordered_set>

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
    for (const auto& info : entries_) fn(*info);
  }

 private:
  using Entry = std::shared_ptr<const ContainerInfo>;
  // Entries are found by the id inside the record itself: a key of its own
  // would cost every cached container another string and a bigger node.
  // noexcept hashing also keeps libstdc++ from storing each hash in the node
  // (a 12-character id is cheap to hash again).
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
    size_t operator()(const Entry& entry) const noexcept { return (*this)(entry->id); }
  };
  struct IdEqual {
    using is_transparent = void;
    static std::string_view IdOf(std::string_view id) { return id; }
    static std::string_view IdOf(const Entry& entry) { return entry->id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
      return IdOf(a) == IdOf(b);
    }
  };
  // Consecutive events mostly come from the same container: remembering the
  // last lookup skips hashing the id. Any mutation forgets it.
  mutable std::string last_id_;
  mutable const ContainerInfo* last_info_ = nullptr;

  std::shared_ptr<const ContainerInfo> host_;
  std::unordered_set<Entry, IdHash, IdEqual> entries_;
};

}  // namespace libcontainer
