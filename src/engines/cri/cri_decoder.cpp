#include "engines/cri/cri_decoder.h"

#include <nlohmann/json.hpp>

#include "cri/api.pb.h"
#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"
#include "engines/common/kubernetes_metadata.h"
#include "engines/common/oci_spec.h"
#include "engines/grpc/proto_map.h"

namespace libcontainer {
namespace {

namespace cri = ::runtime::v1;
using StringMap = ProtoStringMap;
using Entries = google::protobuf::RepeatedPtrField<cri::BytesMapEntry>;

// The accessors are this file's vocabulary.
using namespace json_access;  // NOLINT(google-build-using-namespace)
using engine_decode::kDefaultCpuPeriod;
using engine_decode::kDefaultCpuShares;
using engine_decode::kNanosPerSecond;
using json = Json;

// The verbose `info` map holds one JSON document under "info" (containerd
// and CRI-O alike). Missing or malformed → null, never an exception.
json VerboseInfo(const StringMap& info) {
  auto it = info.find("info");
  if (it == info.end() || it->second.empty()) return json();
  json doc;
  if (!ParseDocument(it->second, &doc, nullptr) || !doc.is_object()) return json();
  return doc;
}

// Of a sandbox's verbose info only the CNI result is read; the rest (its
// runtime spec above all) is not built, for each container of the pod.
json SandboxCniInfo(const StringMap& info) {
  auto it = info.find("info");
  if (it == info.end() || it->second.empty()) return json();
  json doc;
  if (!ParseDocumentMember(it->second, "cniResult", &doc, nullptr) || !doc.is_object()) return json();
  return doc;
}

void ReadSandboxNamespaces(const cri::PodSandboxStatus& status, CriPod* pod) {
  if (!status.has_linux() || !status.linux().has_namespaces() || !status.linux().namespaces().has_options()) {
    return;
  }
  const cri::NamespaceOption& options = status.linux().namespaces().options();
  pod->host_network = options.network() == cri::NODE;
  pod->host_pid = options.pid() == cri::NODE;
  pod->host_ipc = options.ipc() == cri::NODE;
}

// containerd's sandbox info carries the CNI result with every interface; the
// loopback and host-side veth ends say nothing about the pod, so they go.
std::string CniJson(const json& sandbox_info, const Entries& sandbox_annotations) {
  std::string out;
  if (const json* result = Member(sandbox_info, "cniResult"); result != nullptr && result->is_object()) {
    json copy = *result;
    if (auto it = copy.find("Interfaces"); it != copy.end() && it->is_object()) {
      for (auto iface = it->begin(); iface != it->end();) {
        if (iface.key() == "lo" || iface.key().starts_with("veth")) {
          iface = it->erase(iface);
        } else {
          ++iface;
        }
      }
    }
    out = copy.dump(-1, ' ', false, json::error_handler_t::replace);
  } else {
    out = ProtoMapValue(sandbox_annotations, "io.kubernetes.cri-o.CNIResult");
  }
  if (out.size() > kMaxCniJsonLength) out.resize(kMaxCniJsonLength);
  return out;
}

// The pod-level facts of `sandbox`, whose verbose info is `sandbox_info`
// (its CNI result at least).
CriPod PodFacts(const cri::PodSandboxStatusResponse& sandbox, const json& sandbox_info,
                const DecodeOptions& options) {
  const cri::PodSandboxStatus& status = sandbox.status();
  CriPod pod;
  pod.sandbox_id = status.id();
  ReadSandboxNamespaces(status, &pod);
  if (status.has_network()) pod.ip = status.network().ip();
  ReadProtoLabels(status.labels(), options.label_max_len, &pod.labels);
  pod.cni_json = CniJson(sandbox_info, status.annotations());
  if (status.has_metadata()) {
    const cri::PodSandboxMetadata& meta = status.metadata();
    pod.identity = {meta.name(), meta.namespace_(), meta.uid()};
  }
  return pod;
}

// Pod-level facts shared by a container and its sandbox record.
void ApplyPod(const CriPod& pod, ContainerInfo* info) {
  info->host_network = pod.host_network;
  info->host_pid = pod.host_pid;
  info->host_ipc = pod.host_ipc;
  info->ip = pod.ip;
  info->pod_sandbox_labels = pod.labels;
  info->cni_json = pod.cni_json;
  // Labels kubelet would have set, so that pods made by other clients still
  // carry them; existing values win.
  AddPodLabels(pod.identity, &info->labels);
}

// The first boolean found along the reference's paths.
bool Privileged(const json& info) {
  for (const json* v :
       {Path(info, {"runtimeSpec", "linux", "security_context", "privileged"}),
        Path(info, {"config", "linux", "security_context", "privileged"}), Member(info, "privileged")}) {
    if (v != nullptr && v->is_boolean()) return v->get<bool>();
  }
  return false;
}

void FillImage(const cri::ContainerStatus& status, const json& runtime_spec, ContainerInfo* info) {
  std::string image = status.has_image() ? status.image().image() : std::string();
  if (image.empty() || image.starts_with("sha256")) {
    // Only an image id: the name survives in annotations.
    for (std::string_view key :
         {"io.kubernetes.cri.image-name", "io.kubernetes.cri-o.Image", "io.kubernetes.cri-o.ImageName"}) {
      std::string name = ProtoMapValue(status.annotations(), key);
      if (name.empty()) name = oci_spec::Annotation(runtime_spec, key);
      if (!name.empty()) {
        image = std::move(name);
        break;
      }
    }
  }
  info->image = image;
  ImageReference ref;
  if (!image.starts_with("sha256")) ref = ParseImageReference(image);

  const std::string& image_ref = status.image_ref();
  if (auto at = image_ref.find('@'); at != std::string::npos) {
    // repo@sha256:d names the repository the digest belongs to.
    ref.repository = image_ref.substr(0, at);
    ref.digest = image_ref.substr(at + 1);
  } else if (image_ref.starts_with("sha256:")) {
    ref.digest = image_ref;
  }
  info->image_repo = std::move(ref.repository);
  info->image_tag = std::move(ref.tag);
  info->image_digest = std::move(ref.digest);

  if (!status.image_id().empty()) {
    info->image_id = std::string(engine_decode::StripSha256(status.image_id()));
  } else if (image_ref.starts_with("sha256:")) {
    // containerd reports the image id as image_ref when the image has no
    // repo digest (imported, not pulled).
    info->image_id = std::string(engine_decode::StripSha256(image_ref));
  }
}

void FillResources(const cri::ContainerStatus& status, ContainerInfo* info) {
  if (!status.has_resources() || !status.resources().has_linux()) return;
  const cri::LinuxContainerResources& r = status.resources().linux();
  info->cpu_period = r.cpu_period();
  info->cpu_quota = r.cpu_quota();
  info->cpu_shares = r.cpu_shares();
  info->memory_limit = r.memory_limit_in_bytes();
  info->swap_limit = r.memory_swap_limit_in_bytes();
  info->cpuset_cpu_count = engine_decode::CountCpusetCpus(r.cpuset_cpus());
}

std::string ContainerPropagation(cri::MountPropagation propagation) {
  switch (propagation) {
    case cri::PROPAGATION_PRIVATE:
      return "private";
    case cri::PROPAGATION_HOST_TO_CONTAINER:
      return "rslave";
    case cri::PROPAGATION_BIDIRECTIONAL:
      return "rshared";
    default:
      return "unknown";
  }
}

void ApplyDefaults(ContainerInfo* info) {
  if (info->cpu_period <= 0) info->cpu_period = kDefaultCpuPeriod;
  if (info->cpu_shares <= 0) info->cpu_shares = kDefaultCpuShares;
}

}  // namespace

ContainerType CriContainerType(std::string_view runtime_name) {
  if (runtime_name == "containerd") return ContainerType::kContainerd;
  if (runtime_name == "cri-o") return ContainerType::kCrio;
  return ContainerType::kCri;
}

std::optional<CriPod> DecodeCriPod(const cri::PodSandboxStatusResponse& sandbox,
                                   const DecodeOptions& options) {
  if (!sandbox.has_status()) return std::nullopt;
  return PodFacts(sandbox, SandboxCniInfo(sandbox.info()), options);
}

std::optional<ContainerInfo> DecodeCriContainer(const cri::ContainerStatusResponse& container,
                                                const CriPod* pod, std::string_view runtime_name,
                                                const DecodeOptions& options, std::string* error) {
  if (!container.has_status() || container.status().id().empty()) {
    if (error != nullptr) *error = "CRI container status without an id";
    return std::nullopt;
  }
  const cri::ContainerStatus& status = container.status();
  const json verbose = VerboseInfo(container.info());
  static const json kNoSpec;
  const json* runtime_spec_ptr = Member(verbose, "runtimeSpec");
  const json& runtime_spec =
      runtime_spec_ptr != nullptr && runtime_spec_ptr->is_object() ? *runtime_spec_ptr : kNoSpec;

  ContainerInfo info;
  info.type = CriContainerType(runtime_name);
  info.full_id = status.id();
  info.id = std::string(ShortId(status.id()));
  info.name = status.has_metadata() ? status.metadata().name() : std::string();
  if (info.name.empty()) info.name = oci_spec::Annotation(runtime_spec, kCriContainerNameAnnotation);
  if (info.name.empty()) info.name = info.id;
  info.created_time = status.created_at() / kNanosPerSecond;
  FillImage(status, runtime_spec, &info);
  ReadProtoLabels(status.labels(), options.label_max_len, &info.labels);

  // What the spec knows (user, env, resources, host namespaces) is the
  // fallback for what the status and the sandbox do not say.
  ContainerInfo from_spec;
  oci_spec::Apply(runtime_spec, &from_spec);

  if (status.has_user() && status.user().has_linux()) {
    info.user = std::to_string(status.user().linux().uid());
  } else {
    info.user = from_spec.user;
  }
  if (const json* envs = Path(verbose, {"config", "envs"}); envs != nullptr && envs->is_array()) {
    for (const auto& kv : *envs) {
      std::string key = String(kv, "key");
      if (!key.empty()) info.env.push_back(key + "=" + String(kv, "value"));
    }
  }
  if (info.env.empty()) info.env = from_spec.env;

  if (status.has_resources() && status.resources().has_linux()) {
    FillResources(status, &info);
  } else {
    info.cpu_period = from_spec.cpu_period;
    info.cpu_quota = from_spec.cpu_quota;
    info.cpu_shares = from_spec.cpu_shares;
    info.memory_limit = from_spec.memory_limit;
    info.swap_limit = from_spec.swap_limit;
    info.cpuset_cpu_count = from_spec.cpuset_cpu_count;
  }
  ApplyDefaults(&info);

  for (const cri::Mount& m : status.mounts()) {
    ContainerMount mount;
    mount.source = m.host_path();
    mount.destination = m.container_path();
    mount.read_write = !m.readonly();
    mount.propagation = ContainerPropagation(m.propagation());
    info.mounts.push_back(std::move(mount));
  }
  info.privileged = Privileged(verbose);

  info.pod_sandbox_id = String(verbose, "sandboxID");
  if (info.pod_sandbox_id.empty() && pod != nullptr) info.pod_sandbox_id = pod->sandbox_id;
  if (info.pod_sandbox_id.empty()) {
    info.pod_sandbox_id = oci_spec::Annotation(runtime_spec, kCriSandboxIdAnnotation);
  }
  if (info.pod_sandbox_id.empty()) {
    info.pod_sandbox_id = ProtoMapValue(status.annotations(), "io.kubernetes.cri-o.SandboxID");
  }

  if (pod != nullptr) {
    ApplyPod(*pod, &info);
  } else {
    info.host_network = from_spec.host_network;
    info.host_pid = from_spec.host_pid;
    info.host_ipc = from_spec.host_ipc;
  }
  // The same fallback as containerd's native record: both must agree.
  AddPodLabels({oci_spec::Annotation(runtime_spec, kCriSandboxNameAnnotation),
                oci_spec::Annotation(runtime_spec, kCriSandboxNamespaceAnnotation),
                oci_spec::Annotation(runtime_spec, kCriSandboxUidAnnotation)},
               &info.labels);
  if (!info.pod_sandbox_id.empty()) info.labels.emplace("io.kubernetes.sandbox.id", info.pod_sandbox_id);
  return info;
}

std::optional<ContainerInfo> DecodeCriSandbox(const cri::PodSandboxStatusResponse& sandbox,
                                              std::string_view runtime_name, const DecodeOptions& options,
                                              std::string* error) {
  if (!sandbox.has_status() || sandbox.status().id().empty()) {
    if (error != nullptr) *error = "CRI pod sandbox status without an id";
    return std::nullopt;
  }
  const cri::PodSandboxStatus& status = sandbox.status();
  const json verbose = VerboseInfo(sandbox.info());
  const json* runtime_spec_ptr = Member(verbose, "runtimeSpec");

  ContainerInfo info;
  info.type = CriContainerType(runtime_name);
  info.full_id = status.id();
  info.id = std::string(ShortId(status.id()));
  info.is_pod_sandbox = true;
  info.pod_sandbox_id = status.id();
  info.name = status.has_metadata() ? status.metadata().name() : std::string();
  if (info.name.empty()) info.name = info.id;
  info.created_time = status.created_at() / kNanosPerSecond;
  info.image = String(verbose, "image");  // containerd: the pause image
  ImageReference ref = ParseImageReference(info.image);
  info.image_repo = std::move(ref.repository);
  info.image_tag = std::move(ref.tag);
  info.image_digest = std::move(ref.digest);
  ReadProtoLabels(status.labels(), options.label_max_len, &info.labels);

  if (runtime_spec_ptr != nullptr && runtime_spec_ptr->is_object()) {
    ContainerInfo from_spec;
    oci_spec::Apply(*runtime_spec_ptr, &from_spec);
    info.user = std::move(from_spec.user);
    info.env = std::move(from_spec.env);
    info.cpu_period = from_spec.cpu_period;
    info.cpu_quota = from_spec.cpu_quota;
    info.cpu_shares = from_spec.cpu_shares;
    info.memory_limit = from_spec.memory_limit;
    info.swap_limit = from_spec.swap_limit;
    info.cpuset_cpu_count = from_spec.cpuset_cpu_count;
  }
  ApplyDefaults(&info);
  info.privileged = Privileged(verbose);
  ApplyPod(PodFacts(sandbox, verbose, options), &info);
  info.labels.emplace("io.kubernetes.sandbox.id", info.pod_sandbox_id);
  return info;
}

std::optional<EngineEvent> DecodeCriContainerEvent(const cri::ContainerEventResponse& response) {
  if (response.container_id().empty()) return std::nullopt;
  EngineEvent event;
  switch (response.container_event_type()) {
    case cri::CONTAINER_CREATED_EVENT:
      event.kind = EngineEvent::Kind::kCreate;
      break;
    case cri::CONTAINER_STARTED_EVENT:
      event.kind = EngineEvent::Kind::kStart;
      break;
    case cri::CONTAINER_STOPPED_EVENT:
      event.kind = EngineEvent::Kind::kDie;
      break;
    case cri::CONTAINER_DELETED_EVENT:
      event.kind = EngineEvent::Kind::kRemove;
      break;
    default:
      return std::nullopt;
  }
  event.id = response.container_id();
  for (const cri::ContainerStatus& s : response.containers_statuses()) {
    if (s.id() == response.container_id() && s.has_metadata()) event.name = s.metadata().name();
  }
  event.time_nano = response.created_at();
  return event;
}

}  // namespace libcontainer
