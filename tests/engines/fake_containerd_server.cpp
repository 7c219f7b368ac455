#include "engines/fake_containerd_server.h"

#include <unistd.h>

#include <stdexcept>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"

namespace libcontainer::testing {

namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;
namespace namespaces_v1 = ::containerd::services::namespaces::v1;

namespace {

std::string NamespaceOf(const grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("containerd-namespace");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

// The one filter form our client sends: id~="^<prefix>".
bool MatchesFilters(const containers_v1::ListContainersRequest& request, const std::string& id) {
  if (request.filters().empty()) return true;
  for (const std::string& filter : request.filters()) {
    const std::string head = "id~=\"^";
    if (filter.starts_with(head) && filter.ends_with("\"") &&
        id.starts_with(filter.substr(head.size(), filter.size() - head.size() - 1))) {
      return true;
    }
  }
  return false;
}

}  // namespace

class FakeContainerdServer::Containers final : public containers_v1::Containers::Service {
 public:
  explicit Containers(FakeContainerdServer& server) : server_(server) {}

  grpc::Status Get(grpc::ServerContext* context, const containers_v1::GetContainerRequest* request,
                   containers_v1::GetContainerResponse* response) override {
    std::unique_lock lock(server_.mu_);
    if (server_.held_.count(request->id()) != 0) {
      ++server_.waiting_;
      // Polls for client cancellation, which has no condition variable.
      while (server_.held_.count(request->id()) != 0 && !server_.shutting_down_ && !context->IsCancelled()) {
        server_.cv_.wait_for(lock, std::chrono::milliseconds(20));
      }
      --server_.waiting_;
      if (server_.held_.count(request->id()) != 0) return grpc::Status::CANCELLED;
    }
    auto in_ns = server_.containers_.find(NamespaceOf(context));
    if (in_ns == server_.containers_.end() || in_ns->second.count(request->id()) == 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "container not found");
    }
    *response->mutable_container() = in_ns->second.at(request->id());
    return grpc::Status::OK;
  }

  grpc::Status List(grpc::ServerContext* context, const containers_v1::ListContainersRequest* request,
                    containers_v1::ListContainersResponse* response) override {
    std::lock_guard lock(server_.mu_);
    auto in_ns = server_.containers_.find(NamespaceOf(context));
    if (in_ns == server_.containers_.end()) return grpc::Status::OK;
    for (const auto& [id, container] : in_ns->second) {
      if (MatchesFilters(*request, id)) *response->add_containers() = container;
    }
    return grpc::Status::OK;
  }

 private:
  FakeContainerdServer& server_;
};

class FakeContainerdServer::Namespaces final : public namespaces_v1::Namespaces::Service {
 public:
  explicit Namespaces(FakeContainerdServer& server) : server_(server) {}

  grpc::Status List(grpc::ServerContext*, const namespaces_v1::ListNamespacesRequest*,
                    namespaces_v1::ListNamespacesResponse* response) override {
    std::lock_guard lock(server_.mu_);
    for (const auto& [ns, unused] : server_.containers_) response->add_namespaces()->set_name(ns);
    return grpc::Status::OK;
  }

 private:
  FakeContainerdServer& server_;
};

class FakeContainerdServer::Events final : public events_v1::Events::Service {
 public:
  explicit Events(FakeContainerdServer& server) : server_(server) {}

  grpc::Status Subscribe(grpc::ServerContext* context, const events_v1::SubscribeRequest* request,
                         grpc::ServerWriter<events_v1::Envelope>* writer) override {
    std::unique_lock lock(server_.mu_);
    server_.filters_.insert(server_.filters_.end(), request->filters().begin(), request->filters().end());
    size_t next = server_.events_.size();
    ++server_.subscribers_;
    server_.cv_.notify_all();
    grpc::Status result = grpc::Status::OK;
    while (true) {
      // Polls for client cancellation, which has no condition variable.
      server_.cv_.wait_for(lock, std::chrono::milliseconds(20),
                           [&] { return server_.shutting_down_ || next < server_.events_.size(); });
      if (server_.shutting_down_) {
        result = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
        break;
      }
      if (context->IsCancelled()) {
        result = grpc::Status::CANCELLED;
        break;
      }
      bool written = true;
      while (written && next < server_.events_.size()) {
        const events_v1::Envelope envelope = server_.events_[next++];
        lock.unlock();
        written = writer->Write(envelope);
        lock.lock();
      }
      if (!written) {
        result = grpc::Status::CANCELLED;
        break;
      }
    }
    --server_.subscribers_;
    return result;
  }

 private:
  FakeContainerdServer& server_;
};

FakeContainerdServer::FakeContainerdServer(std::string socket_path)
    : socket_path_(std::move(socket_path)),
      containers_service_(std::make_unique<Containers>(*this)),
      namespaces_service_(std::make_unique<Namespaces>(*this)),
      events_service_(std::make_unique<Events>(*this)) {
  ::unlink(socket_path_.c_str());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket_path_, grpc::InsecureServerCredentials());
  builder.RegisterService(containers_service_.get());
  builder.RegisterService(namespaces_service_.get());
  builder.RegisterService(events_service_.get());
  server_ = builder.BuildAndStart();
  if (!server_) throw std::runtime_error("cannot listen on " + socket_path_);
}

FakeContainerdServer::~FakeContainerdServer() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  ::unlink(socket_path_.c_str());
}

void FakeContainerdServer::AddContainer(const std::string& ns, const containers_v1::Container& container) {
  std::lock_guard lock(mu_);
  containers_[ns][container.id()] = container;
}

void FakeContainerdServer::RemoveContainer(const std::string& ns, const std::string& id) {
  std::lock_guard lock(mu_);
  containers_[ns].erase(id);
}

void FakeContainerdServer::PushEvent(const std::string& ns, const std::string& topic, const std::string& id) {
  events_v1::Envelope envelope;
  envelope.set_namespace_(ns);
  envelope.set_topic(topic);
  std::string payload;
  if (topic == "/tasks/start") {
    ::containerd::events::TaskStart start;
    start.set_container_id(id);
    start.set_pid(4242);
    payload = start.SerializeAsString();
    envelope.mutable_event()->set_type_url("containerd.events.TaskStart");
  } else if (topic == "/containers/create") {
    ::containerd::events::ContainerCreate create;
    create.set_id(id);
    payload = create.SerializeAsString();
    envelope.mutable_event()->set_type_url("containerd.events.ContainerCreate");
  } else {
    ::containerd::events::ContainerDelete deleted;
    deleted.set_id(id);
    payload = deleted.SerializeAsString();
    envelope.mutable_event()->set_type_url("containerd.events.ContainerDelete");
  }
  envelope.mutable_event()->set_value(payload);
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(envelope));
  }
  cv_.notify_all();
}

void FakeContainerdServer::HoldGet(const std::string& id) {
  std::lock_guard lock(mu_);
  held_.insert(id);
}

void FakeContainerdServer::ReleaseGet(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    held_.erase(id);
  }
  cv_.notify_all();
}

int FakeContainerdServer::held_gets() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

std::vector<std::string> FakeContainerdServer::subscribe_filters() const {
  std::lock_guard lock(mu_);
  return filters_;
}

bool FakeContainerdServer::WaitForSubscribers(int count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return subscribers_ >= count; });
}

int FakeContainerdServer::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_;
}

}  // namespace libcontainer::testing
