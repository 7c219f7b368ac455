#include "engines/containerd/containerd_client.h"

#include "engines/grpc/grpc_channel.h"

namespace libcontainer {
namespace {

namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;
namespace namespaces_v1 = ::containerd::services::namespaces::v1;
namespace tasks_v1 = ::containerd::services::tasks::v1;

// Prefix lookups go through a regex filter; restricting prefixes to id-safe
// characters keeps them free of regex and filter-syntax metacharacters.
bool IsPlainIdPrefix(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ContainerdClient::ContainerdClient(const std::string& socket_or_target, std::chrono::milliseconds timeout)
    : ContainerdClient(MakeEngineChannel(socket_or_target), timeout) {}

ContainerdClient::ContainerdClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout)
    : channel_(std::move(channel)),
      containers_(containers_v1::Containers::NewStub(channel_)),
      tasks_(tasks_v1::Tasks::NewStub(channel_)),
      namespaces_(namespaces_v1::Namespaces::NewStub(channel_)),
      events_(events_v1::Events::NewStub(channel_)),
      timeout_(timeout) {}

grpc::Status ContainerdClient::ListNamespaces(std::vector<std::string>* out) {
  namespaces_v1::ListNamespacesRequest request;
  namespaces_v1::ListNamespacesResponse response;
  grpc::Status status = Call(*namespaces_, &namespaces_v1::Namespaces::Stub::List, "", request, &response);
  if (!status.ok()) return status;
  out->clear();
  for (const auto& ns : response.namespaces()) out->push_back(ns.name());
  return status;
}

grpc::Status ContainerdClient::ListContainers(const std::string& ns, const std::vector<std::string>& filters,
                                              std::vector<containers_v1::Container>* out) {
  containers_v1::ListContainersRequest request;
  for (const auto& f : filters) request.add_filters(f);
  containers_v1::ListContainersResponse response;
  grpc::Status status = Call(*containers_, &containers_v1::Containers::Stub::List, ns, request, &response);
  if (status.ok()) out->assign(response.containers().begin(), response.containers().end());
  return status;
}

grpc::Status ContainerdClient::GetContainer(const std::string& ns, const std::string& id,
                                            containers_v1::Container* out) {
  containers_v1::GetContainerRequest request;
  request.set_id(id);
  containers_v1::GetContainerResponse response;
  grpc::Status status = Call(*containers_, &containers_v1::Containers::Stub::Get, ns, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_container());
  return status;
}

grpc::Status ContainerdClient::FindContainer(std::string_view id_or_prefix, std::string* ns,
                                             containers_v1::Container* out) {
  std::vector<std::string> namespaces;
  grpc::Status status = ListNamespaces(&namespaces);
  if (!status.ok()) return status;
  const std::string id(id_or_prefix);
  // Exact ids first, in every namespace: the common case costs one call each.
  for (const auto& candidate : namespaces) {
    status = GetContainer(candidate, id, out);
    if (status.ok()) {
      *ns = candidate;
      return status;
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) return status;
  }
  if (!IsPlainIdPrefix(id_or_prefix)) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no container " + id);
  std::vector<containers_v1::Container> matches;
  std::string found_ns;
  for (const auto& candidate : namespaces) {
    std::vector<containers_v1::Container> listed;
    status = ListContainers(candidate, {"id~=\"^" + id + "\""}, &listed);
    if (!status.ok()) return status;
    for (auto& c : listed) {
      matches.push_back(std::move(c));
      found_ns = candidate;
    }
  }
  if (matches.empty()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no container " + id);
  if (matches.size() > 1) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "ambiguous container id prefix " + id);
  }
  *ns = found_ns;
  *out = std::move(matches.front());
  return grpc::Status::OK;
}

grpc::Status ContainerdClient::GetTask(const std::string& ns, const std::string& container_id,
                                       containerd::v1::types::Process* out) {
  tasks_v1::GetRequest request;
  request.set_container_id(container_id);
  tasks_v1::GetResponse response;
  grpc::Status status = Call(*tasks_, &tasks_v1::Tasks::Stub::Get, ns, request, &response);
  if (status.ok()) *out = std::move(*response.mutable_process());
  return status;
}

grpc::Status ContainerdClient::ListTasks(const std::string& ns,
                                         std::vector<containerd::v1::types::Process>* out) {
  tasks_v1::ListTasksRequest request;
  tasks_v1::ListTasksResponse response;
  grpc::Status status = Call(*tasks_, &tasks_v1::Tasks::Stub::List, ns, request, &response);
  if (status.ok()) out->assign(response.tasks().begin(), response.tasks().end());
  return status;
}

std::unique_ptr<ContainerdEventStream> ContainerdClient::Subscribe(const std::vector<std::string>& filters) {
  events_v1::SubscribeRequest request;
  for (const auto& filter : filters) request.add_filters(filter);
  return std::make_unique<ContainerdEventStream>(
      [&](grpc::ClientContext* context) { return events_->Subscribe(context, request); });
}

}  // namespace libcontainer
