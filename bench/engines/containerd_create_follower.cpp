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

void ContainerdCreateFollower::Run() {
  containerd::services::events::v1::Envelope envelope;
  while (stream_->Read(&envelope)) {
    const int64_t received = testengines::WallNs();
    auto event = libcontainer::DecodeContainerdEnvelope(envelope);
    if (!event || event->kind != libcontainer::EngineEvent::Kind::kCreate) continue;
    Record(event->id, CreateEvent{event->time_nano, received});
  }
  const grpc::Status status = stream_->Finish();
  End(status.ok() || status.error_code() == grpc::StatusCode::CANCELLED ? "" : status.error_message());
}

}  // namespace benchengines
