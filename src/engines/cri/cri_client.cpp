#include "engines/cri/cri_client.h"

namespace libcontainer {

namespace cri = ::runtime::v1;

std::string GrpcUnixTarget(const std::string& socket_or_target) {
  if (socket_or_target.starts_with("/")) return "unix://" + socket_or_target;
  return socket_or_target;
}

std::shared_ptr<grpc::Channel> MakeEngineChannel(const std::string& socket_or_target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // gRPC's default backoff grows to 2 minutes; an engine restart should be
  // noticed within seconds.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  return grpc::CreateCustomChannel(GrpcUnixTarget(socket_or_target), grpc::InsecureChannelCredentials(),
                                   args);
}

CriEventStream::CriEventStream(cri::RuntimeService::Stub* stub) {
  reader_ = stub->GetContainerEvents(&context_, request_);
}

bool CriEventStream::Read(cri::ContainerEventResponse* event) {
  return reader_->Read(event);
}

grpc::Status CriEventStream::Finish() {
  return reader_->Finish();
}

CriClient::CriClient(const std::string& socket_or_target, std::chrono::milliseconds timeout)
    : CriClient(MakeEngineChannel(socket_or_target), timeout) {}

CriClient::CriClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout)
    : channel_(std::move(channel)), stub_(cri::RuntimeService::NewStub(channel_)), timeout_(timeout) {}

GrpcCallCanceller::Scope CriClient::Prepare(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + timeout_);
  return GrpcCallCanceller::Scope(canceller_, context);
}

grpc::Status CriClient::Version(cri::VersionResponse* out) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::VersionRequest request;
  request.set_version("v1");
  return stub_->Version(&context, request, out);
}

grpc::Status CriClient::ListContainers(const cri::ContainerFilter* filter, std::vector<cri::Container>* out) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::ListContainersRequest request;
  if (filter != nullptr) *request.mutable_filter() = *filter;
  cri::ListContainersResponse response;
  grpc::Status status = stub_->ListContainers(&context, request, &response);
  if (status.ok()) out->assign(response.containers().begin(), response.containers().end());
  return status;
}

grpc::Status CriClient::ContainerStatus(const std::string& id, bool verbose,
                                        cri::ContainerStatusResponse* out) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  request.set_verbose(verbose);
  return stub_->ContainerStatus(&context, request, out);
}

grpc::Status CriClient::ListPodSandbox(const cri::PodSandboxFilter* filter,
                                       std::vector<cri::PodSandbox>* out) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::ListPodSandboxRequest request;
  if (filter != nullptr) *request.mutable_filter() = *filter;
  cri::ListPodSandboxResponse response;
  grpc::Status status = stub_->ListPodSandbox(&context, request, &response);
  if (status.ok()) out->assign(response.items().begin(), response.items().end());
  return status;
}

grpc::Status CriClient::PodSandboxStatus(const std::string& id, bool verbose,
                                         cri::PodSandboxStatusResponse* out) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  request.set_verbose(verbose);
  return stub_->PodSandboxStatus(&context, request, out);
}

std::unique_ptr<CriEventStream> CriClient::GetContainerEvents() {
  return std::make_unique<CriEventStream>(stub_.get());
}

grpc::Status CriClient::RunPodSandbox(const cri::RunPodSandboxRequest& request, std::string* sandbox_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::RunPodSandboxResponse response;
  grpc::Status status = stub_->RunPodSandbox(&context, request, &response);
  if (status.ok() && sandbox_id != nullptr) *sandbox_id = response.pod_sandbox_id();
  return status;
}

grpc::Status CriClient::StopPodSandbox(const std::string& sandbox_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  cri::StopPodSandboxResponse response;
  return stub_->StopPodSandbox(&context, request, &response);
}

grpc::Status CriClient::RemovePodSandbox(const std::string& sandbox_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  cri::RemovePodSandboxResponse response;
  return stub_->RemovePodSandbox(&context, request, &response);
}

grpc::Status CriClient::CreateContainer(const cri::CreateContainerRequest& request,
                                        std::string* container_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::CreateContainerResponse response;
  grpc::Status status = stub_->CreateContainer(&context, request, &response);
  if (status.ok() && container_id != nullptr) *container_id = response.container_id();
  return status;
}

grpc::Status CriClient::StartContainer(const std::string& container_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::StartContainerRequest request;
  request.set_container_id(container_id);
  cri::StartContainerResponse response;
  return stub_->StartContainer(&context, request, &response);
}

grpc::Status CriClient::StopContainer(const std::string& container_id, int64_t timeout_seconds) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  // The runtime may wait the whole grace period before answering.
  context.set_deadline(std::chrono::system_clock::now() + timeout_ + std::chrono::seconds(timeout_seconds));
  cri::StopContainerRequest request;
  request.set_container_id(container_id);
  request.set_timeout(timeout_seconds);
  cri::StopContainerResponse response;
  return stub_->StopContainer(&context, request, &response);
}

grpc::Status CriClient::RemoveContainer(const std::string& container_id) {
  grpc::ClientContext context;
  const auto call = Prepare(&context);
  cri::RemoveContainerRequest request;
  request.set_container_id(container_id);
  cri::RemoveContainerResponse response;
  return stub_->RemoveContainer(&context, request, &response);
}

}  // namespace libcontainer
