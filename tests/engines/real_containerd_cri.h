// RealContainerd plus CRI pods through our own CriClient, in-process. Links the generated protos, so it
// is for binaries that never load the plugin (engine_tests, the latency bench); the plugin tests drive
// pods through the cri-pod-tool helper instead.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engines/cri/cri_client.h"
#include "engines/cri_pod_ops.h"
#include "engines/real_containerd.h"

namespace testengines {

class RealContainerdCri : public RealContainerd {
 public:
  // RealContainerd::Start, ready only once the CRI plugin answers too.
  static std::unique_ptr<RealContainerdCri> Start(std::string* error);
  // Removes all pods through CRI, then what ~RealContainerd does.
  ~RealContainerdCri() override;

  // runtime.v1 over the same socket.
  libcontainer::CriClient& cri();
  // A pod from HostNetworkPodConfig. An empty cgroup_parent puts the sandbox at /k8s.io/<sandbox id>.
  // Returns the sandbox id, "" on failure.
  std::string RunHostNetworkPod(const std::string& name, const std::string& ns, const std::string& uid,
                                const std::map<std::string, std::string>& labels = {},
                                const std::string& cgroup_parent = "");
  // CreateContainer (PodContainerRequest) + StartContainer in a pod made by RunHostNetworkPod. Returns
  // the container id, "" on failure (a created but unstartable container is removed again).
  std::string CreateAndStartPodContainer(const std::string& sandbox_id, const std::string& name,
                                         const std::map<std::string, std::string>& labels = {});
  bool RemovePodContainer(const std::string& container_id);  // StopContainer(timeout 0) + Remove
  // Stops/removes every container of the pod, then StopPodSandbox + RemovePodSandbox.
  bool RemovePod(const std::string& sandbox_id);

 protected:
  void OnSpawn() override;
  bool ExtraReady(std::string* why) override;

 private:
  friend class RealContainerd;
  using RealContainerd::RealContainerd;

  // CreateContainer needs the pod's config; the cgroup dirs follow its parent.
  struct Pod {
    runtime::v1::PodSandboxConfig config;
    std::string cgroup_parent;  // as the cgroup dirs name it: "/k8s.io" when the request had none
  };
  std::unique_ptr<libcontainer::CriClient> cri_;
  std::map<std::string, Pod> pods_;
};

}  // namespace testengines
