#include "containerd_create_follower.h"

#include "engines/burst_sink.h"
#include "engines/containerd/containerd_decoder.h"

namespace benchengines {

ContainerdCreateFollower::ContainerdCreateFollower(const std::string& socket) : client_(socket) {
  stream_ = client_.Subscribe({R"(topic=="/containers/create")"});
  thread_ = std::thread([this] { Run(); });
}

ContainerdCreateFollower::~ContainerdCreateFollower() {
  stream_->Cancel();
  thread_.join();
}

std::optional<CreateEvent> ContainerdCreateFollower::WaitFor(const std::string& id,
                                                             std::chrono::milliseconds patience) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, patience, [&] { return created_.count(id) > 0 || ended_; });
  auto it = created_.find(id);
  return it == created_.end() ? std::nullopt : std::optional<CreateEvent>(it->second);
}

void ContainerdCreateFollower::Run() {
  containerd::services::events::v1::Envelope envelope;
  while (stream_->Read(&envelope)) {
    const int64_t received = testengines::WallNs();
    auto event = libcontainer::DecodeContainerdEnvelope(envelope);
    if (!event || event->kind != libcontainer::EngineEvent::Kind::kCreate) continue;
    std::lock_guard lock(mu_);
    created_.emplace(event->id, CreateEvent{event->time_nano, received});
    cv_.notify_all();
  }
  stream_->Finish();
  std::lock_guard lock(mu_);
  ended_ = true;
  cv_.notify_all();
}

}  // namespace benchengines
