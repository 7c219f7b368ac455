#include "engines/real_containerd_cri.h"

#include <cstdio>
#include <vector>

namespace testengines {

namespace cri = ::runtime::v1;

std::unique_ptr<RealContainerdCri> RealContainerdCri::Start(std::string* error) {
  return StartAs<RealContainerdCri>(error);
}

RealContainerdCri::~RealContainerdCri() {
  if (PrepareCleanup()) {
    std::vector<cri::PodSandbox> pods;
    grpc::Status status = cri().ListPodSandbox(nullptr, &pods);
    if (!status.ok())
      std::fprintf(stderr, "[real_containerd] ListPodSandbox: %s\n", GrpcStatusText(status).c_str());
    for (const auto& p : pods) {
      if (!RemovePod(p.id())) std::fprintf(stderr, "[real_containerd] %s\n", last_error().c_str());
    }
  }
  cri_.reset();
}

void RealContainerdCri::OnSpawn() {
  cri_.reset();  // a channel that saw the old daemon die may sit in reconnect backoff
}

bool RealContainerdCri::ExtraReady(std::string* why) {
  cri::VersionResponse version;
  grpc::Status status = cri().Version(&version);
  if (!status.ok()) *why = "CRI Version: " + GrpcStatusText(status);
  return status.ok();
}

libcontainer::CriClient& RealContainerdCri::cri() {
  // Generous deadline: sandbox start runs runc twice on a possibly busy CI machine.
  if (!cri_) cri_ = std::make_unique<libcontainer::CriClient>(socket(), std::chrono::seconds(30));
  return *cri_;
}

std::string RealContainerdCri::RunHostNetworkPod(const std::string& name, const std::string& ns,
                                                 const std::string& uid,
                                                 const std::map<std::string, std::string>& labels,
                                                 const std::string& cgroup_parent) {
  cri::PodSandboxConfig config = HostNetworkPodConfig(name, ns, uid, labels, cgroup_parent);
  std::string error;
  const std::string sandbox_id = RunPod(cri(), config, &error);
  if (sandbox_id.empty()) {
    set_last_error(error);
    return "";
  }
  std::string parent = cgroup_parent.empty() ? "/k8s.io" : cgroup_parent;
  if (parent[0] != '/') parent = "/" + parent;
  pods_[sandbox_id] = Pod{config, parent};
  RememberCgroup(parent + "/" + sandbox_id);
  return sandbox_id;
}

std::string RealContainerdCri::CreateAndStartPodContainer(const std::string& sandbox_id,
                                                          const std::string& name,
                                                          const std::map<std::string, std::string>& labels) {
  auto pod = pods_.find(sandbox_id);
  if (pod == pods_.end()) {
    set_last_error("CreateAndStartPodContainer: unknown sandbox " + sandbox_id +
                   " (not made by RunHostNetworkPod)");
    return "";
  }
  std::string error;
  const std::string id = CreateAndStartContainer(
      cri(), PodContainerRequest(sandbox_id, pod->second.config, name, labels), &error);
  if (id.empty()) {
    set_last_error(error);
    return "";
  }
  RememberCgroup(pod->second.cgroup_parent + "/" + id);
  return id;
}

bool RealContainerdCri::RemovePodContainer(const std::string& container_id) {
  std::string error;
  if (RemoveContainer(cri(), container_id, &error)) return true;
  set_last_error(error);
  return false;
}

bool RealContainerdCri::RemovePod(const std::string& sandbox_id) {
  std::string error;
  if (!testengines::RemovePod(cri(), sandbox_id, &error)) {
    set_last_error(error);
    return false;
  }
  pods_.erase(sandbox_id);
  return true;
}

}  // namespace testengines
