#include "engines/containerd/containerd_decoder.h"

#include <google/protobuf/timestamp.pb.h>

#include <nlohmann/json.hpp>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"
#include "engines/common/kubernetes_metadata.h"
#include "engines/common/oci_spec.h"
#include "engines/grpc/proto_map.h"

namespace libcontainer {
namespace {

namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;
using engine_decode::kNanosPerSecond;

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
  ReadProtoLabels(c.labels(), options.label_max_len, &info.labels);
  if (c.has_created_at()) info.created_time = c.created_at().seconds();

  json_access::Json spec;
  if (c.has_spec() && !c.spec().value().empty() &&
      !json_access::ParseDocument(c.spec().value(), &spec, nullptr)) {
    spec = json_access::Json();
  }
  oci_spec::Apply(spec, &info);
  if (info.cpu_period <= 0) info.cpu_period = engine_decode::kDefaultCpuPeriod;
  if (info.cpu_shares <= 0) info.cpu_shares = engine_decode::kDefaultCpuShares;

  info.is_pod_sandbox = ProtoMapValue(c.labels(), kCriKindLabel) == "sandbox" ||
                        oci_spec::Annotation(spec, kCriContainerTypeAnnotation) == "sandbox";
  info.pod_sandbox_id = oci_spec::Annotation(spec, kCriSandboxIdAnnotation);
  if (info.pod_sandbox_id.empty()) info.pod_sandbox_id = c.sandbox();

  // containerd's native events report a CRI container long before the CRI
  // engine's poll does: its record already names the pod.
  AddPodLabels({oci_spec::Annotation(spec, kCriSandboxNameAnnotation),
                oci_spec::Annotation(spec, kCriSandboxNamespaceAnnotation),
                oci_spec::Annotation(spec, kCriSandboxUidAnnotation)},
               &info.labels);

  std::string name =
      ProtoMapValue(c.labels(), info.is_pod_sandbox ? kK8sPodNameLabel : kK8sContainerNameLabel);
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
