#include "engines/cri/cri_client.h"

#include "engines/grpc/grpc_channel.h"

namespace libcontainer {

namespace cri = ::runtime::v1;

CriClient::CriClient(const std::string& socket_or_target, std::chrono::milliseconds timeout)
    : CriClient(MakeEngineChannel(socket_or_target), timeout) {}

CriClient::CriClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout)
    : channel_(std::move(channel)), stub_(cri::RuntimeService::NewStub(channel_)), timeout_(timeout) {}

grpc::Status CriClient::Version(cri::VersionResponse* out) {
  cri::VersionRequest request;
  request.set_version("v1");
  return Call(&Stub::Version, request, out);
}

grpc::Status CriClient::ListContainers(const cri::ContainerFilter* filter, std::vector<cri::Container>* out) {
  cri::ListContainersRequest request;
  if (filter != nullptr) *request.mutable_filter() = *filter;
  cri::ListContainersResponse response;
  grpc::Status status = Call(&Stub::ListContainers, request, &response);
  if (status.ok()) out->assign(response.containers().begin(), response.containers().end());
  return status;
}

grpc::Status CriClient::ContainerStatus(const std::string& id, bool verbose,
                                        cri::ContainerStatusResponse* out) {
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  request.set_verbose(verbose);
  return Call(&Stub::ContainerStatus, request, out);
}

grpc::Status CriClient::ListPodSandbox(const cri::PodSandboxFilter* filter,
                                       std::vector<cri::PodSandbox>* out) {
  cri::ListPodSandboxRequest request;
  if (filter != nullptr) *request.mutable_filter() = *filter;
  cri::ListPodSandboxResponse response;
  grpc::Status status = Call(&Stub::ListPodSandbox, request, &response);
  if (status.ok()) out->assign(response.items().begin(), response.items().end());
  return status;
}

grpc::Status CriClient::PodSandboxStatus(const std::string& id, bool verbose,
                                         cri::PodSandboxStatusResponse* out) {
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  request.set_verbose(verbose);
  return Call(&Stub::PodSandboxStatus, request, out);
}

std::unique_ptr<CriEventStream> CriClient::GetContainerEvents() {
  return std::make_unique<CriEventStream>([this](grpc::ClientContext* context) {
    return stub_->GetContainerEvents(context, cri::GetEventsRequest());
  });
}

grpc::Status CriClient::RunPodSandbox(const cri::RunPodSandboxRequest& request, std::string* sandbox_id) {
  cri::RunPodSandboxResponse response;
  grpc::Status status = Call(&Stub::RunPodSandbox, request, &response);
  if (status.ok() && sandbox_id != nullptr) *sandbox_id = response.pod_sandbox_id();
  return status;
}

grpc::Status CriClient::StopPodSandbox(const std::string& sandbox_id) {
  cri::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  cri::StopPodSandboxResponse response;
  return Call(&Stub::StopPodSandbox, request, &response);
}

grpc::Status CriClient::RemovePodSandbox(const std::string& sandbox_id) {
  cri::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  cri::RemovePodSandboxResponse response;
  return Call(&Stub::RemovePodSandbox, request, &response);
}

grpc::Status CriClient::CreateContainer(const cri::CreateContainerRequest& request,
                                        std::string* container_id) {
  cri::CreateContainerResponse response;
  grpc::Status status = Call(&Stub::CreateContainer, request, &response);
  if (status.ok() && container_id != nullptr) *container_id = response.container_id();
  return status;
}

grpc::Status CriClient::StartContainer(const std::string& container_id) {
  cri::StartContainerRequest request;
  request.set_container_id(container_id);
  cri::StartContainerResponse response;
  return Call(&Stub::StartContainer, request, &response);
}

grpc::Status CriClient::StopContainer(const std::string& container_id, int64_t timeout_seconds) {
  cri::StopContainerRequest request;
  request.set_container_id(container_id);
  request.set_timeout(timeout_seconds);
  cri::StopContainerResponse response;
  // The runtime may wait the whole grace period before answering.
  return Call(&Stub::StopContainer, request, &response, std::chrono::seconds(timeout_seconds));
}

grpc::Status CriClient::RemoveContainer(const std::string& container_id) {
  cri::RemoveContainerRequest request;
  request.set_container_id(container_id);
  cri::RemoveContainerResponse response;
  return Call(&Stub::RemoveContainer, request, &response);
}

}  // namespace libcontainer
