#include "plugin/container_store.h"

#include <utility>

#include "core/container_merge.h"

namespace libcontainer {
namespace {

std::shared_ptr<const ContainerInfo> StaticContainer(const StaticContainerConfig& config) {
  auto info = std::make_shared<ContainerInfo>();
  info->type = ContainerType::kStatic;
  info->full_id = config.container_id;
  info->id = std::string(ShortId(config.container_id));
  info->name = config.container_name;
  info->image = config.container_image;
  auto ref = ParseImageReference(info->image);
  info->image_repo = ref.repository;
  info->image_tag = ref.tag;
  info->image_digest = ref.digest;
  return info;
}

}  // namespace

ContainerStore::ContainerStore(const StaticContainerConfig& static_container) {
  if (!static_container.enabled) return;
  static_container_ = StaticContainer(static_container);
  cache_.Upsert(static_container_);
  containers_.Set(cache_.size());
}

void ContainerStore::Store(uint64_t evtnum, std::shared_ptr<const ContainerInfo> info, bool removed) {
  last_container_evtnum_ = evtnum;
  // Either way the id is no longer unknown: a record describes it, or its
  // container is gone and will not be seen again. Ids seen after their
  // removal stay, so that they are not asked again.
  unknown_ids_.erase(info->id);
  pending_unknown_ids_.Set(unknown_ids_.size());
  if (removed) {
    cache_.Erase(info->id);
  } else {
    if (const auto* cached = cache_.Find(info->id); cached != nullptr && cached != info.get()) {
      info = std::make_shared<const ContainerInfo>(MergeContainerRecords(*cached, *info));
    }
    if (info->image.empty() && !info->is_pod_sandbox) missing_images_.Add();
    cache_.Upsert(info);
  }
  last_container_ = std::move(info);
  containers_.Set(cache_.size());
}

const ContainerInfo* ContainerStore::ContainerOfEvent(uint64_t evtnum) const {
  return last_container_ != nullptr && evtnum == last_container_evtnum_ ? last_container_.get() : nullptr;
}

std::shared_ptr<const ContainerInfo> ContainerStore::AddFromCgroup(const CgroupMatch& match) {
  auto info = std::make_shared<ContainerInfo>();
  info->type = match.type;
  info->id = std::string(match.id);
  info->full_id = std::string(match.full_id);
  info->name = info->id;
  // Cached right away so that the next process of the container neither
  // waits for the event round trip nor emits a second event.
  if (cache_.Upsert(info)) containers_.Set(cache_.size());
  return info;
}

bool ContainerStore::NoteUnknownId(const std::string& id) {
  // Forgetting old asks keeps the set bounded under churn without ever
  // stopping to ask about new containers.
  if (unknown_ids_.size() >= kMaxUnknownIds) unknown_ids_.clear();
  // insert() looks before it allocates: an id asked already costs nothing.
  if (!unknown_ids_.insert(id).second) return false;
  unknown_ids_seen_.Add();
  pending_unknown_ids_.Set(unknown_ids_.size());
  return true;
}

}  // namespace libcontainer
