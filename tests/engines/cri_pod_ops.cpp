#include "engines/cri_pod_ops.h"

#include <thread>
#include <vector>

#include "engines/proto_entries.h"
#include "engines/real_containerd.h"

namespace testengines {
namespace {

namespace cri = ::runtime::v1;
using Clock = std::chrono::steady_clock;

void SetHostNamespaces(cri::NamespaceOption* options) {
  options->set_network(cri::NODE);  // no CNI here; pod networks would need one
  options->set_pid(cri::CONTAINER);
}

}  // namespace

std::string GrpcStatusText(const grpc::Status& status) {
  return "gRPC " + std::to_string(static_cast<int>(status.error_code())) + ": " + status.error_message();
}

cri::PodSandboxConfig HostNetworkPodConfig(const std::string& name, const std::string& ns,
                                           const std::string& uid,
                                           const std::map<std::string, std::string>& labels,
                                           const std::string& cgroup_parent) {
  cri::PodSandboxConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_metadata()->set_namespace_(ns);
  config.mutable_metadata()->set_uid(uid);
  libcontainer::engine_testing::SetEntries(config.mutable_labels(), labels);
  cri::LinuxPodSandboxConfig* linux_config = config.mutable_linux();
  linux_config->set_cgroup_parent(cgroup_parent);
  SetHostNamespaces(linux_config->mutable_security_context()->mutable_namespace_options());
  return config;
}

cri::CreateContainerRequest PodContainerRequest(const std::string& sandbox_id,
                                                const cri::PodSandboxConfig& pod, const std::string& name,
                                                const std::map<std::string, std::string>& labels) {
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  *request.mutable_sandbox_config() = pod;
  cri::ContainerConfig* config = request.mutable_config();
  config->mutable_metadata()->set_name(name);
  config->mutable_image()->set_image(RealContainerd::kImage);
  config->add_command("sleep");
  config->add_args("1000");
  libcontainer::engine_testing::SetEntries(config->mutable_labels(), labels);
  SetHostNamespaces(config->mutable_linux()->mutable_security_context()->mutable_namespace_options());
  return request;
}

bool WaitCriReady(libcontainer::CriClient& cri, std::chrono::milliseconds patience, std::string* error) {
  const auto deadline = Clock::now() + patience;
  while (true) {
    cri::VersionResponse version;
    grpc::Status status = cri.Version(&version);
    if (status.ok()) return true;
    if (Clock::now() > deadline) {
      *error = "CRI Version: " + GrpcStatusText(status);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string RunPod(libcontainer::CriClient& cri, const cri::PodSandboxConfig& config, std::string* error) {
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = config;
  std::string sandbox_id;
  const auto t0 = Clock::now();
  while (true) {
    grpc::Status status = cri.RunPodSandbox(request, &sandbox_id);
    if (status.ok()) return sandbox_id;
    // An image import reaches the CRI image store through an event; if that was not processed yet,
    // containerd fails trying to pull the sandbox image (from localhost: refused at once).
    const bool image_race = status.error_message().find(RealContainerd::kPauseImage) != std::string::npos &&
                            status.error_message().find("pull") != std::string::npos;
    if (!image_race || Clock::now() - t0 > std::chrono::seconds(3)) {
      *error = "RunPodSandbox " + config.metadata().name() + ": " + GrpcStatusText(status);
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string CreateAndStartContainer(libcontainer::CriClient& cri, const cri::CreateContainerRequest& request,
                                    std::string* error) {
  const std::string& name = request.config().metadata().name();
  std::string container_id;
  grpc::Status status = cri.CreateContainer(request, &container_id);
  if (!status.ok()) {
    *error = "CreateContainer " + name + ": " + GrpcStatusText(status);
    return "";
  }
  status = cri.StartContainer(container_id);
  if (!status.ok()) {
    *error = "StartContainer " + name + ": " + GrpcStatusText(status);
    cri.RemoveContainer(container_id);
    return "";
  }
  return container_id;
}

bool RemoveContainer(libcontainer::CriClient& cri, const std::string& container_id, std::string* error) {
  grpc::Status status = cri.StopContainer(container_id, 0);
  if (status.ok()) status = cri.RemoveContainer(container_id);
  if (!status.ok()) *error = "stop/remove container " + container_id + ": " + GrpcStatusText(status);
  return status.ok();
}

bool RemovePod(libcontainer::CriClient& cri, const std::string& sandbox_id, std::string* error) {
  cri::ContainerFilter filter;
  filter.set_pod_sandbox_id(sandbox_id);
  std::vector<cri::Container> containers;
  grpc::Status status = cri.ListContainers(&filter, &containers);
  if (!status.ok()) {
    *error = "ListContainers of pod " + sandbox_id + ": " + GrpcStatusText(status);
    return false;
  }
  bool ok = true;
  for (const auto& c : containers) ok = RemoveContainer(cri, c.id(), error) && ok;
  status = cri.StopPodSandbox(sandbox_id);
  if (status.ok()) status = cri.RemovePodSandbox(sandbox_id);
  if (!status.ok()) {
    *error = "stop/remove pod " + sandbox_id + ": " + GrpcStatusText(status);
    return false;
  }
  return ok;
}

}  // namespace testengines
