#include "engines/fake_cri_server.h"

#include <unistd.h>

#include <iterator>
#include <stdexcept>
#include <thread>

namespace libcontainer::testing {

namespace cri = ::runtime::v1;

FakeCriServer::FakeCriServer(std::string socket_path, std::string runtime_name)
    : socket_path_(std::move(socket_path)), runtime_name_(std::move(runtime_name)) {
  ::unlink(socket_path_.c_str());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket_path_, grpc::InsecureServerCredentials());
  builder.RegisterService(this);
  // gRPC's default keeps at most 2 idle threads: under the plugin's 4 concurrent inspects threads
  // would be made and ended on every call, CPU a runtime would not spend.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 8);
  server_ = builder.BuildAndStart();
  if (!server_) throw std::runtime_error("cannot listen on " + socket_path_);
}

FakeCriServer::~FakeCriServer() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  // Streams notice shutting_down_ and return; the deadline covers the rest.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  ::unlink(socket_path_.c_str());
}

void FakeCriServer::AddContainer(const cri::ContainerStatusResponse& status, const std::string& sandbox_id) {
  std::lock_guard lock(mu_);
  containers_[status.status().id()] = status;
  container_sandboxes_[status.status().id()] = sandbox_id;
}

void FakeCriServer::AddSandbox(const cri::PodSandboxStatusResponse& status) {
  std::lock_guard lock(mu_);
  sandboxes_[status.status().id()] = status;
}

void FakeCriServer::RemoveContainer(const std::string& id) {
  std::lock_guard lock(mu_);
  containers_.erase(id);
  container_sandboxes_.erase(id);
}

void FakeCriServer::RemoveSandbox(const std::string& id) {
  std::lock_guard lock(mu_);
  sandboxes_.erase(id);
}

int FakeCriServer::container_lists() const {
  std::lock_guard lock(mu_);
  return container_lists_;
}

void FakeCriServer::PushEvent(const cri::ContainerEventResponse& event) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(event);
  }
  cv_.notify_all();
}

void FakeCriServer::SetEventsUnimplemented(bool value) {
  std::lock_guard lock(mu_);
  events_unimplemented_ = value;
}

void FakeCriServer::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

int FakeCriServer::open_event_streams() const {
  std::lock_guard lock(mu_);
  return open_streams_;
}

bool FakeCriServer::WaitForEventStreams(int count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return open_streams_ >= count; });
}

int FakeCriServer::unary_calls() const {
  std::lock_guard lock(mu_);
  return unary_calls_;
}

void FakeCriServer::Delay() const {
  std::unique_lock lock(mu_);
  ++unary_calls_;
  // unary_calls() is polled: no wake-up of the event streams waiting on cv_.
  if (delay_.count() > 0) cv_.wait_for(lock, delay_, [&] { return shutting_down_; });
}

const cri::ContainerStatusResponse* FakeCriServer::FindLocked(const std::string& prefix) const {
  // The ids starting with `prefix` follow one another in the map from its lower bound on: a lookup
  // stays cheap with the 10,000 containers of the scale benchmark.
  const auto it = containers_.lower_bound(prefix);
  if (it == containers_.end() || !it->first.starts_with(prefix)) return nullptr;
  const auto next = std::next(it);
  if (next != containers_.end() && next->first.starts_with(prefix)) return nullptr;  // ambiguous
  return &it->second;
}

grpc::Status FakeCriServer::Version(grpc::ServerContext*, const cri::VersionRequest*,
                                    cri::VersionResponse* out) {
  Delay();
  out->set_version("0.1.0");
  out->set_runtime_name(runtime_name_);
  out->set_runtime_version("1.0.0-fake");
  out->set_runtime_api_version("v1");
  return grpc::Status::OK;
}

grpc::Status FakeCriServer::ListContainers(grpc::ServerContext*, const cri::ListContainersRequest* request,
                                           cri::ListContainersResponse* out) {
  Delay();
  std::lock_guard lock(mu_);
  ++container_lists_;
  const std::string prefix = request->has_filter() ? request->filter().id() : std::string();
  for (const auto& [id, status] : containers_) {
    if (!prefix.empty() && FindLocked(prefix) != &status) continue;
    cri::Container* c = out->add_containers();
    const cri::ContainerStatus& s = status.status();
    c->set_id(s.id());
    c->set_pod_sandbox_id(container_sandboxes_[id]);
    *c->mutable_metadata() = s.metadata();
    *c->mutable_image() = s.image();
    c->set_image_ref(s.image_ref());
    c->set_state(s.state());
    c->set_created_at(s.created_at());
    *c->mutable_labels() = s.labels();
  }
  return grpc::Status::OK;
}

grpc::Status FakeCriServer::ContainerStatus(grpc::ServerContext*, const cri::ContainerStatusRequest* request,
                                            cri::ContainerStatusResponse* out) {
  Delay();
  std::lock_guard lock(mu_);
  const cri::ContainerStatusResponse* found = FindLocked(request->container_id());
  if (found == nullptr || request->container_id().empty()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "container not found");
  }
  *out = *found;
  if (!request->verbose()) out->clear_info();
  return grpc::Status::OK;
}

grpc::Status FakeCriServer::ListPodSandbox(grpc::ServerContext*, const cri::ListPodSandboxRequest*,
                                           cri::ListPodSandboxResponse* out) {
  Delay();
  std::lock_guard lock(mu_);
  for (const auto& [id, status] : sandboxes_) {
    cri::PodSandbox* p = out->add_items();
    p->set_id(id);
    *p->mutable_metadata() = status.status().metadata();
    p->set_created_at(status.status().created_at());
    *p->mutable_labels() = status.status().labels();
  }
  return grpc::Status::OK;
}

grpc::Status FakeCriServer::PodSandboxStatus(grpc::ServerContext*,
                                             const cri::PodSandboxStatusRequest* request,
                                             cri::PodSandboxStatusResponse* out) {
  Delay();
  std::lock_guard lock(mu_);
  auto it = sandboxes_.find(request->pod_sandbox_id());
  if (it == sandboxes_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "sandbox not found");
  *out = it->second;
  if (!request->verbose()) out->clear_info();
  return grpc::Status::OK;
}

grpc::Status FakeCriServer::GetContainerEvents(grpc::ServerContext* context, const cri::GetEventsRequest*,
                                               grpc::ServerWriter<cri::ContainerEventResponse>* writer) {
  std::unique_lock lock(mu_);
  if (events_unimplemented_) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "method GetContainerEvents not implemented");
  }
  ++open_streams_;
  cv_.notify_all();
  size_t next = 0;
  grpc::Status result = grpc::Status::OK;
  while (true) {
    // Polls for client cancellation, which has no condition variable.
    cv_.wait_for(lock, std::chrono::milliseconds(20),
                 [&] { return shutting_down_ || next < events_.size(); });
    if (shutting_down_) {
      result = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
      break;
    }
    if (context->IsCancelled()) {
      result = grpc::Status::CANCELLED;
      break;
    }
    while (next < events_.size()) {
      cri::ContainerEventResponse event = events_[next++];
      lock.unlock();
      bool ok = writer->Write(event);
      lock.lock();
      if (!ok) {
        --open_streams_;
        return grpc::Status::CANCELLED;
      }
    }
  }
  --open_streams_;
  return result;
}

}  // namespace libcontainer::testing
