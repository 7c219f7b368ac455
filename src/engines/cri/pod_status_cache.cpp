#include "engines/cri/pod_status_cache.h"

#include <utility>

namespace libcontainer {

PodStatusCache::PodStatus PodStatusCache::Get(const std::string& sandbox_id, const Fetch& fetch,
                                              grpc::Status* status) {
  std::unique_lock lock(mu_);
  // Elements of an unordered_map keep their address: `entry` outlives the waits.
  Entry& entry = pods_[sandbox_id];
  fetched_.wait(lock, [&] { return !entry.fetching; });
  if (entry.pod != nullptr) return entry.pod;
  entry.fetching = true;
  lock.unlock();

  auto fetched = std::make_shared<FetchedPod>();
  const grpc::Status result = fetch(sandbox_id, fetched.get());
  if (status != nullptr) *status = result;

  lock.lock();
  entry.fetching = false;
  if (result.ok()) entry.pod = std::move(fetched);
  fetched_.notify_all();
  return entry.pod;
}

}  // namespace libcontainer
