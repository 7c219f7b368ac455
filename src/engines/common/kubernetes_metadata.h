// Where Kubernetes metadata lives on a container, for every engine that runs
// pods: the labels kubelet puts on each container it asks a CRI runtime for
// (the plugin's k8s.* fields read them), and the annotations and labels
// containerd's CRI plugin adds to the containers it creates in namespace
// k8s.io. Engines that learn a pod's identity elsewhere (CRI sandbox metadata,
// those annotations) record it under kubelet's label keys, so a pod made by
// another CRI client reads the same and every source of one container agrees.
#pragma once

#include <string>
#include <string_view>

namespace libcontainer {

inline constexpr std::string_view kK8sPodNameLabel = "io.kubernetes.pod.name";
inline constexpr std::string_view kK8sPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr std::string_view kK8sPodUidLabel = "io.kubernetes.pod.uid";
inline constexpr std::string_view kK8sContainerNameLabel = "io.kubernetes.container.name";

inline constexpr std::string_view kCriKindLabel = "io.cri-containerd.kind";
inline constexpr std::string_view kCriSandboxIdAnnotation = "io.kubernetes.cri.sandbox-id";
inline constexpr std::string_view kCriContainerNameAnnotation = "io.kubernetes.cri.container-name";
inline constexpr std::string_view kCriContainerTypeAnnotation = "io.kubernetes.cri.container-type";
inline constexpr std::string_view kCriSandboxNameAnnotation = "io.kubernetes.cri.sandbox-name";
inline constexpr std::string_view kCriSandboxNamespaceAnnotation = "io.kubernetes.cri.sandbox-namespace";
inline constexpr std::string_view kCriSandboxUidAnnotation = "io.kubernetes.cri.sandbox-uid";

struct PodIdentity {
  std::string name, ns, uid;
};

// Adds the pod's kubelet labels that `labels` lacks: labels kubelet set win.
inline void AddPodLabels(const PodIdentity& pod, Labels* labels) {
  const auto add = [labels](std::string_view key, const std::string& value) {
    if (!value.empty()) labels->emplace(key, value);
  };
  add(kK8sPodNameLabel, pod.name);
  add(kK8sPodNamespaceLabel, pod.ns);
  add(kK8sPodUidLabel, pod.uid);
}

}  // namespace libcontainer
