#include "engines/cri/pod_status_cache.h"

#include <utility>

namespace libcontainer {

PodStatusCache::PodStatus PodStatusCache::Get(const std::string& sandbox_id, const Fetch& fetch,
                                              grpc::Status* status) {
  {
    std::lock_guard lock(mu_);
    if (const auto it = pods_.find(sandbox_id); it != pods_.end()) return it->second;
  }
  auto fetched = std::make_shared<runtime::v1::PodSandboxStatusResponse>();
  const grpc::Status result = fetch(sandbox_id, fetched.get());
  if (status != nullptr) *status = result;
  if (!result.ok()) return nullptr;
  std::lock_guard lock(mu_);
  return pods_.try_emplace(sandbox_id, std::move(fetched)).first->second;
}

}  // namespace libcontainer
