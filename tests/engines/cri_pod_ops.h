// CRI requests and operations for host-network pods on a real containerd 1.6, through our own CriClient.
// Shared by RealContainerdCri (in-process), the cri-pod-tool helper (for binaries that load the plugin
// and so must not link the protos themselves) and the latency bench, so all of them make the same pods.
//
// Only host-network pods: no CNI on the test machines. And no hostname: with the host's network the UTS
// namespace is the host's too ("unable to set hostname without a private UTS namespace").
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "engines/cri/cri_client.h"

namespace testengines {

std::string GrpcStatusText(const grpc::Status& status);

// Network NODE, pid CONTAINER, no hostname. An empty cgroup_parent puts the sandbox at /k8s.io/<id>.
runtime::v1::PodSandboxConfig HostNetworkPodConfig(const std::string& name, const std::string& ns,
                                                   const std::string& uid,
                                                   const std::map<std::string, std::string>& labels = {},
                                                   const std::string& cgroup_parent = "");
// RealContainerd::kImage running `sleep 1000`, its namespaces following its pod's (like kubelet).
runtime::v1::CreateContainerRequest PodContainerRequest(
    const std::string& sandbox_id, const runtime::v1::PodSandboxConfig& pod, const std::string& name,
    const std::map<std::string, std::string>& labels = {});

// Polls Version until the CRI plugin finished its start-up (before that every call fails with "server is
// not initialized yet"). False + *error (the last answer) after `patience`.
bool WaitCriReady(libcontainer::CriClient& cri, std::chrono::milliseconds patience, std::string* error);
// RunPodSandbox; the sandbox id, "" + *error on failure.
std::string RunPod(libcontainer::CriClient& cri, const runtime::v1::PodSandboxConfig& config,
                   std::string* error);
// CreateContainer + StartContainer; the container id, "" + *error on failure (a created but unstartable
// container is removed again).
std::string CreateAndStartContainer(libcontainer::CriClient& cri,
                                    const runtime::v1::CreateContainerRequest& request, std::string* error);
// StopContainer (timeout 0: SIGKILL right away) + RemoveContainer.
bool RemoveContainer(libcontainer::CriClient& cri, const std::string& container_id, std::string* error);
// Stops/removes every container of the pod, then StopPodSandbox + RemovePodSandbox.
bool RemovePod(libcontainer::CriClient& cri, const std::string& sandbox_id, std::string* error);

}  // namespace testengines
