#include "engines/containerd/containerd_decoder.h"

#include <google/protobuf/timestamp.pb.h>

#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"

namespace libcontainer {
namespace {

using nlohmann::json;
namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;

constexpr int64_t kDefaultCpuPeriod = 100000;
constexpr int64_t kDefaultCpuShares = 1024;
constexpr int64_t kNanosPerSecond = 1000000000;

const json* Member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json* ObjectMember(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

const json* ArrayMember(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

std::string String(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// Spec numbers are integers; doubles or out-of-range values are ignored
// rather than converted (a double → int64 overflow is undefined).
std::optional<int64_t> Int(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer() && !v->is_number_unsigned()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::numeric_limits<int64_t>::max();
    }
    return static_cast<int64_t>(u);
  }
  return std::nullopt;
}

bool NonEmptyArray(const json& obj, std::string_view key) {
  const json* v = ArrayMember(obj, key);
  return v != nullptr && !v->empty();
}

bool HasOption(const json& mount, std::string_view option) {
  if (const json* options = ArrayMember(mount, "options")) {
    for (const auto& o : *options) {
      if (o.is_string() && o.get_ref<const std::string&>() == option) return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 8> kPropagationOptions = {
    "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"};

void ReadMounts(const json& spec, ContainerInfo* info) {
  const json* mounts = ArrayMember(spec, "mounts");
  if (mounts == nullptr) return;
  std::string rootfs_propagation;
  if (const json* linux_section = ObjectMember(spec, "linux"))
    rootfs_propagation = String(*linux_section, "rootfsPropagation");
  for (const auto& m : *mounts) {
    if (!m.is_object()) continue;
    ContainerMount mount;
    mount.source = String(m, "source");
    mount.destination = String(m, "destination");
    mount.read_write = !HasOption(m, "ro");
    mount.propagation = rootfs_propagation;
    if (const json* options = ArrayMember(m, "options")) {
      for (const auto& o : *options) {
        if (!o.is_string()) continue;
        std::string_view opt = o.get_ref<const std::string&>();
        if (opt.starts_with("mode=")) {
          mount.mode = std::string(opt.substr(5));
        } else {
          for (std::string_view p : kPropagationOptions) {
            // A mount's own propagation option wins over the rootfs default.
            if (opt == p) mount.propagation = std::string(opt);
          }
        }
      }
    }
    info->mounts.push_back(std::move(mount));
  }
}

void ReadResources(const json& linux_section, ContainerInfo* info) {
  const json* resources = ObjectMember(linux_section, "resources");
  if (resources == nullptr) return;
  if (const json* cpu = ObjectMember(*resources, "cpu")) {
    info->cpu_shares = Int(*cpu, "shares").value_or(0);
    info->cpu_quota = Int(*cpu, "quota").value_or(0);
    info->cpu_period = Int(*cpu, "period").value_or(0);
    info->cpuset_cpu_count = engine_decode::CountCpusetCpus(String(*cpu, "cpus"));
  }
  if (const json* memory = ObjectMember(*resources, "memory")) {
    info->memory_limit = Int(*memory, "limit").value_or(0);
    info->swap_limit = Int(*memory, "swap").value_or(0);
  }
}

void ReadHostNamespaces(const json& linux_section, ContainerInfo* info) {
  const json* namespaces = ArrayMember(linux_section, "namespaces");
  if (namespaces == nullptr) return;  // unknown, not "host"
  bool pid = false, network = false, ipc = false;
  for (const auto& ns : *namespaces) {
    std::string type = String(ns, "type");
    if (type == "pid") pid = true;
    if (type == "network") network = true;
    if (type == "ipc") ipc = true;
  }
  info->host_pid = !pid;
  info->host_network = !network;
  info->host_ipc = !ipc;
}

void ReadLabels(const google::protobuf::Map<std::string, std::string>& labels, uint32_t label_max_len,
                ContainerInfo* info) {
  for (const auto& [key, value] : labels) {
    if (value.size() <= label_max_len) info->labels.emplace(key, value);
  }
}

std::string MapValue(const google::protobuf::Map<std::string, std::string>& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? std::string() : it->second;
}

// 0 (unknown) for a time that int64 nanoseconds cannot hold. protobuf bounds
// neither field on the wire, so `nanos` may be far outside [0, 1e9) too.
int64_t TimestampNanos(const google::protobuf::Timestamp& ts) {
  int64_t nanos = 0;
  if (__builtin_mul_overflow(ts.seconds(), kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, static_cast<int64_t>(ts.nanos()), &nanos)) {
    return 0;
  }
  return nanos;
}

}  // namespace

namespace oci_spec {

std::string Annotation(const json& spec, std::string_view key) {
  if (const json* annotations = ObjectMember(spec, "annotations")) return String(*annotations, key);
  return {};
}

bool LooksPrivileged(const json& spec) {
  if (const json* process = ObjectMember(spec, "process")) {
    if (!String(*process, "selinuxLabel").empty()) return false;
    std::string apparmor = String(*process, "apparmorProfile");
    if (!apparmor.empty() && apparmor != "unconfined") return false;
  }
  // Without a linux section this is no runc spec and nothing can be told.
  const json* linux_section = ObjectMember(spec, "linux");
  if (linux_section == nullptr) return false;
  if (NonEmptyArray(*linux_section, "maskedPaths") || NonEmptyArray(*linux_section, "readonlyPaths"))
    return false;
  if (const json* seccomp = Member(*linux_section, "seccomp"); seccomp != nullptr && !seccomp->is_null())
    return false;
  if (const json* mounts = ArrayMember(spec, "mounts")) {
    for (const auto& m : *mounts) {
      std::string type = String(m, "type");
      if ((type == "sysfs" || type == "cgroup" || type == "cgroup2") && HasOption(m, "ro")) return false;
    }
  }
  return true;
}

void Apply(const json& spec, ContainerInfo* info) {
  if (!spec.is_object()) return;
  if (const json* process = ObjectMember(spec, "process")) {
    if (const json* user = ObjectMember(*process, "user")) {
      if (auto uid = Int(*user, "uid")) info->user = std::to_string(*uid);
    }
    if (const json* env = ArrayMember(*process, "env")) {
      for (const auto& e : *env) {
        if (e.is_string()) info->env.push_back(e.get<std::string>());
      }
    }
  }
  ReadMounts(spec, info);
  if (const json* linux_section = ObjectMember(spec, "linux")) {
    ReadResources(*linux_section, info);
    ReadHostNamespaces(*linux_section, info);
  }
  info->privileged = LooksPrivileged(spec);
}

}  // namespace oci_spec

std::optional<ContainerInfo> DecodeContainerdContainer(const containers_v1::Container& c,
                                                       const DecodeOptions& options, std::string* error) {
  if (c.id().empty()) {
    if (error != nullptr) *error = "containerd container without an id";
    return std::nullopt;
  }
  ContainerInfo info;
  info.type = ContainerType::kContainerd;
  info.full_id = c.id();
  info.id = std::string(ShortId(c.id()));
  info.image = c.image();
  ImageReference ref = ParseImageReference(c.image());
  info.image_repo = std::move(ref.repository);
  info.image_tag = std::move(ref.tag);
  info.image_digest = std::move(ref.digest);
  ReadLabels(c.labels(), options.label_max_len, &info);
  if (c.has_created_at()) info.created_time = c.created_at().seconds();

  json spec;
  if (c.has_spec() && !c.spec().value().empty()) {
    std::string ignored;
    if (!engine_decode::ParseDocument(c.spec().value(), &spec, &ignored)) spec = json();
  }
  oci_spec::Apply(spec, &info);
  if (info.cpu_period <= 0) info.cpu_period = kDefaultCpuPeriod;
  if (info.cpu_shares <= 0) info.cpu_shares = kDefaultCpuShares;

  info.is_pod_sandbox = MapValue(c.labels(), kCriKindLabel) == "sandbox" ||
                        oci_spec::Annotation(spec, kCriContainerTypeAnnotation) == "sandbox";
  info.pod_sandbox_id = oci_spec::Annotation(spec, kCriSandboxIdAnnotation);
  if (info.pod_sandbox_id.empty()) info.pod_sandbox_id = c.sandbox();

  // containerd's native events report a CRI container long before the CRI
  // engine's poll does: its record already names the pod.
  AddPodLabels({oci_spec::Annotation(spec, kCriSandboxNameAnnotation),
                oci_spec::Annotation(spec, kCriSandboxNamespaceAnnotation),
                oci_spec::Annotation(spec, kCriSandboxUidAnnotation)},
               &info.labels);

  std::string name = MapValue(c.labels(), info.is_pod_sandbox ? kK8sPodNameLabel : kK8sContainerNameLabel);
  if (name.empty()) {
    name = oci_spec::Annotation(
        spec, info.is_pod_sandbox ? kCriSandboxNameAnnotation : kCriContainerNameAnnotation);
  }
  if (name.empty()) name = c.id();
  info.name = std::move(name);
  return info;
}

std::optional<ContainerdEvent> DecodeContainerdEnvelope(const events_v1::Envelope& envelope) {
  ContainerdEvent event;
  event.ns = envelope.namespace_();
  event.topic = envelope.topic();
  if (envelope.has_timestamp()) event.time_nano = TimestampNanos(envelope.timestamp());
  const std::string& payload = envelope.event().value();
  const std::string& topic = envelope.topic();

  // Payloads are parsed from the Any's bytes; a parse failure means the topic
  // and the payload disagree, which is not an event we can act on.
  if (topic == "/containers/create") {
    ::containerd::events::ContainerCreate m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.kind = EngineEvent::Kind::kCreate;
    event.id = m.id();
  } else if (topic == "/containers/update") {
    ::containerd::events::ContainerUpdate m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.id = m.id();
  } else if (topic == "/containers/delete") {
    ::containerd::events::ContainerDelete m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.kind = EngineEvent::Kind::kRemove;
    event.id = m.id();
  } else if (topic == "/tasks/create") {
    ::containerd::events::TaskCreate m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.id = m.container_id();
    event.pid = m.pid();
  } else if (topic == "/tasks/start") {
    ::containerd::events::TaskStart m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.kind = EngineEvent::Kind::kStart;
    event.id = m.container_id();
    event.pid = m.pid();
  } else if (topic == "/tasks/exit") {
    ::containerd::events::TaskExit m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.id = m.container_id();
    event.pid = m.pid();
    // An exec'd process exiting has its exec id here; only the init process
    // (id empty or equal to the container id) ends the container.
    if (m.id().empty() || m.id() == m.container_id()) event.kind = EngineEvent::Kind::kDie;
  } else if (topic == "/tasks/delete") {
    ::containerd::events::TaskDelete m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.id = m.container_id();
    event.pid = m.pid();
  } else if (topic.starts_with("/tasks/")) {
    // /tasks/oom, /tasks/exec-added, /tasks/paused, ...: every task payload
    // starts with `string container_id = 1`, which ContainerDelete reads.
    ::containerd::events::ContainerDelete m;
    if (!m.ParseFromString(payload)) return std::nullopt;
    event.id = m.id();
  } else {
    return std::nullopt;
  }
  if (event.id.empty()) return std::nullopt;
  return event;
}

}  // namespace libcontainer
