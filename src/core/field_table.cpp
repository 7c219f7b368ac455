#include "core/field_table.h"

#include <nlohmann/json.hpp>

namespace libcontainer {
namespace {

using enum FieldType;

constexpr FieldArg kNoArg = FieldArg::kNone;
constexpr FieldArg kKey = FieldArg::kKeyRequired;
constexpr FieldArg kIdxKey = FieldArg::kIndexOrKeyRequired;

constexpr const char* kLateNote =
    " May be missing for a short while after the container starts, until the engine is queried.";

// Plain field: no argument, not a suggested output, not deprecated.
constexpr FieldDef Def(FieldId id, const char* name, const char* display, FieldType type, const char* desc,
                       FieldArg arg = kNoArg) {
  return FieldDef{id, name, type, arg, display, desc, false, false};
}
constexpr FieldDef Suggested(FieldId id, const char* name, const char* display, const char* desc) {
  return FieldDef{id, name, kString, kNoArg, display, desc, true, false};
}
constexpr FieldDef Deprecated(FieldId id, const char* name, const char* display, FieldArg arg = kNoArg) {
  return FieldDef{id,    name,    kString,
                  arg,   display, "Deprecated and always empty; use the k8smeta plugin instead.",
                  false, true};
}

using F = FieldId;

// FieldsJson() appends kLateNote to engine-fed fields, so the table itself stays constexpr.
constexpr std::array<FieldDef, kFieldCount> kFields = {{
    Suggested(
        F::kContainerId, "container.id", "Container ID",
        "Short container id (first 12 characters, e.g. 3ad7b26ded6d), taken from the process cgroup, so "
        "it is known even before the engine has been asked about the container. 'host' for processes "
        "that do not run in a container."),
    Def(F::kContainerFullId, "container.full_id", "Full Container ID", kString,
        "Complete container id as reported by the engine (64 hex characters for runc-style ids); 'host' for "
        "host processes."),
    Suggested(F::kContainerName, "container.name", "Container Name",
              "Container name as reported by the engine; 'host' for host processes."),
    Def(F::kContainerImage, "container.image", "Image Name", kString,
        "Image the container runs, as given to the engine (e.g. docker.io/library/nginx:1.27)."),
    Def(F::kContainerImageId, "container.image.id", "Image ID", kString, "Id of the container image."),
    Def(F::kContainerType, "container.type", "Type", kString,
        "Container technology: docker, podman, containerd, cri, cri-o, lxc, libvirt-lxc, bpm, static, "
        "mesos, rkt, host, or unknown."),
    Def(F::kContainerPrivileged, "container.privileged", "Privileged", kBool,
        "True when the container runs privileged."),
    Def(F::kContainerMounts, "container.mounts", "Mounts", kString,
        "All mounts, comma-separated, each as 'source:dest:mode:rdwr:propagation'."),
    Def(F::kContainerMount, "container.mount", "Mount", kString,
        "One mount as 'source:dest:mode:rdwr:propagation', chosen by position (container.mount[0]) or by "
        "a shell glob matched against the whole source path (container.mount[/var/lib/*]); the first "
        "matching mount wins. Empty when no mount matches.",
        kIdxKey),
    Def(F::kContainerMountSource, "container.mount.source", "Mount Source", kString,
        "Source of one mount, chosen by position or by a shell glob matched against the whole destination "
        "path (container.mount.source[/host/*]).",
        kIdxKey),
    Def(F::kContainerMountDest, "container.mount.dest", "Mount Destination", kString,
        "Destination of one mount, chosen by position or by a shell glob matched against the whole source "
        "path.",
        kIdxKey),
    Def(F::kContainerMountMode, "container.mount.mode", "Mount Mode", kString,
        "Mode of one mount, chosen by position or by a shell glob matched against the whole source path.",
        kIdxKey),
    Def(F::kContainerMountRdwr, "container.mount.rdwr", "Mount Read/Write", kString,
        "'true' when one mount is writable, 'false' otherwise; the mount is chosen by position or by a "
        "shell glob matched against the whole source path.",
        kIdxKey),
    Def(F::kContainerMountPropagation, "container.mount.propagation", "Mount Propagation", kString,
        "Propagation of one mount (e.g. rprivate), chosen by position or by a shell glob matched against "
        "the whole source path.",
        kIdxKey),
    Suggested(F::kContainerImageRepository, "container.image.repository", "Repository",
              "Repository part of the image reference (e.g. docker.io/library/nginx)."),
    Suggested(F::kContainerImageTag, "container.image.tag", "Image Tag",
              "Tag part of the image reference (e.g. latest)."),
    Def(F::kContainerImageDigest, "container.image.digest", "Registry Digest", kString,
        "Registry digest of the image (e.g. sha256:...)."),
    Def(F::kContainerHealthcheck, "container.healthcheck", "Health Check", kString,
        "The container's health check command line (Docker/Podman HEALTHCHECK); empty when it has none."),
    Def(F::kContainerLivenessProbe, "container.liveness_probe", "Liveness", kString,
        "The container's Kubernetes exec liveness probe command line, when the engine exposes it."),
    Def(F::kContainerReadinessProbe, "container.readiness_probe", "Readiness", kString,
        "The container's Kubernetes exec readiness probe command line, when the engine exposes it."),
    Def(F::kContainerStartTs, "container.start_ts", "Container Start", kAbsTime,
        "Start time of the container (epoch nanoseconds): the start of the init process of the thread's "
        "PID namespace, as seen by the kernel; does not depend on the engine."),
    Def(F::kContainerDuration, "container.duration", "Container Duration", kRelTime,
        "Nanoseconds elapsed between container.start_ts and the event."),
    Def(F::kContainerIp, "container.ip", "Container IP", kString,
        "Primary IPv4 address of the container (or of its pod) as reported by the engine."),
    Def(F::kContainerCniJson, "container.cni.json", "Container CNI Result", kString,
        "CNI result of the container's pod as JSON text, with the addresses of every interface (CRI "
        "engines)."),
    Def(F::kContainerHostPid, "container.host_pid", "Host PID Namespace", kBool,
        "True when the container shares the host PID namespace."),
    Def(F::kContainerHostNetwork, "container.host_network", "Host Network Namespace", kBool,
        "True when the container shares the host network namespace."),
    Def(F::kContainerHostIpc, "container.host_ipc", "Host IPC Namespace", kBool,
        "True when the container shares the host IPC namespace."),
    Def(F::kContainerLabel, "container.label", "Container Label", kString,
        "Value of one container label, by exact key (container.label[com.example.team]).", kKey),
    Def(F::kContainerLabels, "container.labels", "Container Labels", kString,
        "Container labels as 'key:value' pairs separated by ', ' (keys starting with 'annotation.' or "
        "'io.kubernetes.' left out)."),
    Def(F::kProcIsContainerHealthcheck, "proc.is_container_healthcheck", "Process Is Container Healthcheck",
        kBool,
        "True when the process runs the container's health check (or descends from one), i.e. was "
        "started from outside the container with the health check command line."),
    Def(F::kProcIsContainerLivenessProbe, "proc.is_container_liveness_probe", "Process Is Container Liveness",
        kBool,
        "True when the process runs the container's Kubernetes liveness probe (or descends from one)."),
    Def(F::kProcIsContainerReadinessProbe, "proc.is_container_readiness_probe",
        "Process Is Container Readiness", kBool,
        "True when the process runs the container's Kubernetes readiness probe (or descends from one)."),
    Suggested(F::kK8sPodName, "k8s.pod.name", "Pod Name",
              "Name of the Kubernetes pod the container belongs to (from the engine's pod metadata)."),
    Suggested(F::kK8sNsName, "k8s.ns.name", "Namespace Name",
              "Kubernetes namespace of the container's pod (from the engine's pod metadata)."),
    Def(F::kK8sPodId, "k8s.pod.id", "Legacy Pod UID", kString,
        "Legacy name of k8s.pod.uid: the pod UID, not the sandbox id."),
    Def(F::kK8sPodUid, "k8s.pod.uid", "Pod UID", kString,
        "UID of the Kubernetes pod (e.g. 3e41dc6b-08a8-44db-bc2a-3724b18ab19a)."),
    Def(F::kK8sPodSandboxId, "k8s.pod.sandbox_id", "Pod Sandbox ID", kString,
        "First 12 characters of the pod sandbox id; processes of the sandbox (pause) container have it as "
        "container.id."),
    Def(F::kK8sPodFullSandboxId, "k8s.pod.full_sandbox_id", "Pod Sandbox Full ID", kString,
        "Complete pod sandbox id."),
    Def(F::kK8sPodLabel, "k8s.pod.label", "Pod Label", kString,
        "Value of one pod label, by exact key (k8s.pod.label[app]).", kKey),
    Def(F::kK8sPodLabels, "k8s.pod.labels", "Pod Labels", kString,
        "Pod labels as 'key:value' pairs separated by ', '."),
    Def(F::kK8sPodIp, "k8s.pod.ip", "Pod IP", kString, "Primary IPv4 address of the pod."),
    Def(F::kK8sPodCniJson, "k8s.pod.cni.json", "Pod CNI Result", kString,
        "CNI result of the pod as JSON text, with the addresses of every interface."),
    Deprecated(F::kK8sRcName, "k8s.rc.name", "[Deprecated] Replication Controller Name"),
    Deprecated(F::kK8sRcId, "k8s.rc.id", "[Deprecated] Replication Controller ID"),
    Deprecated(F::kK8sRcLabel, "k8s.rc.label", "[Deprecated] Replication Controller Label", kKey),
    Deprecated(F::kK8sRcLabels, "k8s.rc.labels", "[Deprecated] Replication Controller Labels"),
    Deprecated(F::kK8sSvcName, "k8s.svc.name", "[Deprecated] Service Name"),
    Deprecated(F::kK8sSvcId, "k8s.svc.id", "[Deprecated] Service ID"),
    Deprecated(F::kK8sSvcLabel, "k8s.svc.label", "[Deprecated] Service Label", kKey),
    Deprecated(F::kK8sSvcLabels, "k8s.svc.labels", "[Deprecated] Service Labels"),
    Deprecated(F::kK8sNsId, "k8s.ns.id", "[Deprecated] Namespace ID"),
    Deprecated(F::kK8sNsLabel, "k8s.ns.label", "[Deprecated] Namespace Label", kKey),
    Deprecated(F::kK8sNsLabels, "k8s.ns.labels", "[Deprecated] Namespace Labels"),
    Deprecated(F::kK8sRsName, "k8s.rs.name", "[Deprecated] Replica Set Name"),
    Deprecated(F::kK8sRsId, "k8s.rs.id", "[Deprecated] Replica Set ID"),
    Deprecated(F::kK8sRsLabel, "k8s.rs.label", "[Deprecated] Replica Set Label", kKey),
    Deprecated(F::kK8sRsLabels, "k8s.rs.labels", "[Deprecated] Replica Set Labels"),
    Deprecated(F::kK8sDeploymentName, "k8s.deployment.name", "[Deprecated] Deployment Name"),
    Deprecated(F::kK8sDeploymentId, "k8s.deployment.id", "[Deprecated] Deployment ID"),
    Deprecated(F::kK8sDeploymentLabel, "k8s.deployment.label", "[Deprecated] Deployment Label", kKey),
    Deprecated(F::kK8sDeploymentLabels, "k8s.deployment.labels", "[Deprecated] Deployment Labels"),
}};

// A misplaced row would silently shift every field_id the host sends back.
constexpr bool IdsMatchPositions() {
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (static_cast<size_t>(kFields[i].id) != i) return false;
  }
  return true;
}
static_assert(IdsMatchPositions(), "kFields rows must be in FieldId order");
static_assert(kFieldCount == 61);

// Fields whose value comes from the engine, and so can lag behind the first events.
constexpr bool FromEngine(const FieldDef& def) {
  switch (def.id) {
    case F::kContainerId:
    case F::kContainerStartTs:
    case F::kContainerDuration:
    case F::kProcIsContainerHealthcheck:
    case F::kProcIsContainerLivenessProbe:
    case F::kProcIsContainerReadinessProbe:
      return false;
    default:
      return !def.deprecated;
  }
}

std::string BuildFieldsJson() {
  auto fields = nlohmann::json::array();
  for (const FieldDef& def : kFields) {
    nlohmann::json field = {
        {"type", FieldTypeName(def.type)},
        {"name", def.name},
        {"display", def.display},
        {"desc", std::string(def.description) + (FromEngine(def) ? kLateNote : "")},
    };
    if (def.arg == FieldArg::kKeyRequired) {
      field["arg"] = {{"isRequired", true}, {"isKey", true}};
    } else if (def.arg == FieldArg::kIndexOrKeyRequired) {
      field["arg"] = {{"isRequired", true}, {"isIndex", true}, {"isKey", true}};
    }
    // libsinsp reads this top-level boolean (nothing else) to append the field
    // to every alert when Falco's append_output has suggested_output: true.
    if (def.suggested_output) field["addOutput"] = true;
    fields.push_back(std::move(field));
  }
  return fields.dump();
}

}  // namespace

const std::array<FieldDef, kFieldCount>& FieldTable() {
  return kFields;
}

std::optional<FieldId> FieldIdByName(std::string_view name) {
  for (const FieldDef& def : kFields) {
    if (name == def.name) return def.id;
  }
  return std::nullopt;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case kUint64:
      return "uint64";
    case kString:
      return "string";
    case kRelTime:
      return "reltime";
    case kAbsTime:
      return "abstime";
    case kBool:
      return "bool";
  }
  return "string";
}

const std::string& FieldsJson() {
  static const std::string json = BuildFieldsJson();
  return json;
}

}  // namespace libcontainer
