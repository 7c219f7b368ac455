#include "core/field_extractor.h"

#include <charconv>

namespace libcontainer {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// Label keys the kubelet (or the CRI engine) puts on every pod container.
constexpr std::string_view kLabelPodName = "io.kubernetes.pod.name";
constexpr std::string_view kLabelPodNamespace = "io.kubernetes.pod.namespace";
constexpr std::string_view kLabelPodUid = "io.kubernetes.pod.uid";

constexpr std::string_view kHostId = "host";

FieldValue Null() {
  return FieldValue{};
}

// Only for views whose data()[size()] is a NUL: std::string contents and literals.
FieldValue Str(std::string_view value) {
  return FieldValue{true, value, 0};
}

FieldValue Bool(bool value) {
  return FieldValue{true, {}, value ? 1u : 0u};
}

FieldValue U64(uint64_t value) {
  return FieldValue{true, {}, value};
}

// Copies a view that may not be NUL-terminated into scratch (no allocation once warm).
FieldValue Copy(std::string_view value, std::string& scratch) {
  scratch.assign(value);
  return Str(scratch);
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Resolves a container.mount* argument to a mount. A key is a glob over the whole
// source path (or destination path for container.mount.source).
const ContainerMount* SelectMount(const ExtractRequest& request, const ContainerInfo& info,
                                  bool match_destination) {
  std::string_view key = request.arg_key;
  uint64_t index = 0;
  if (!key.empty() && !AllDigits(key)) {
    for (const ContainerMount& mount : info.mounts) {
      if (GlobMatch(key, match_destination ? mount.destination : mount.source)) return &mount;
    }
    return nullptr;
  }
  if (!key.empty()) {
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
    if (ec != std::errc() || end != key.data() + key.size()) return nullptr;
  } else if (request.arg_present) {
    index = request.arg_index;
  } else {
    return nullptr;
  }
  return index < info.mounts.size() ? &info.mounts[index] : nullptr;
}

void AppendMount(const ContainerMount& mount, std::string& out) {
  out.append(mount.source).append(":");
  out.append(mount.destination).append(":");
  out.append(mount.mode).append(":");
  out.append(mount.read_write ? "true" : "false").append(":");
  out.append(mount.propagation);
}

bool IsHiddenLabel(std::string_view key) {
  return key.starts_with("annotation.") || key.starts_with("io.kubernetes.");
}

// `k:v` pairs joined by ", ", `k` alone for an empty value; engine-internal keys left out.
FieldValue FormatLabels(const Labels& labels, std::string& scratch) {
  scratch.clear();
  for (const auto& [key, value] : labels) {
    if (IsHiddenLabel(key)) continue;
    if (!scratch.empty()) scratch.append(", ");
    scratch.append(key);
    if (!value.empty()) scratch.append(":").append(value);
  }
  return Str(scratch);
}

// Labels end each value with a NUL: the value is handed out in place.
FieldValue LabelValue(const Labels& labels, std::string_view key) {
  const auto it = labels.find(key);
  return it == labels.end() ? Null() : Str(it->second);
}

FieldValue FormatProbe(const OptionalProbe& probe, std::string& scratch) {
  if (!probe) return Null();
  scratch.assign(probe->exe);
  for (const std::string& arg : probe->args) scratch.append(" ").append(arg);
  return Str(scratch);
}

// Engines that know no sandbox id (docker with dockershim labels) still mark
// pod members with the kubelet's pod-name label.
bool InPod(const ContainerInfo& info) {
  return info.is_pod_sandbox || !info.pod_sandbox_id.empty() ||
         info.labels.contains("io.kubernetes.pod.name");
}

// The pod sandbox's own cache entry, consulted when the container lacks the pod's
// network data (the containerd engine stores it on the sandbox only).
const ContainerInfo* PodSandbox(const ContainerInfo& info, const ContainerLookup& lookup) {
  if (!info.cni_json.empty() || info.pod_sandbox_id.empty()) return nullptr;
  const ContainerInfo* sandbox = lookup.Find(ShortId(info.pod_sandbox_id));
  return sandbox == &info ? nullptr : sandbox;
}

// Fields that need no engine metadata.
bool WorksWithoutInfo(FieldId id) {
  switch (id) {
    case FieldId::kContainerId:
    case FieldId::kContainerStartTs:
    case FieldId::kContainerDuration:
    case FieldId::kProcIsContainerHealthcheck:
    case FieldId::kProcIsContainerLivenessProbe:
    case FieldId::kProcIsContainerReadinessProbe:
      return true;
    default:
      return false;
  }
}

// What MatchBracket returns when glibc's fnmatch fails the match at this text
// position (a '*' before may still place it elsewhere): the pattern ends
// inside a bracket on an escaping backslash, or on a range's '-' before the
// character matched.
constexpr size_t kFailsHere = kNpos - 1;

// Matches `c` against the bracket expression opening at pattern[open] ('[').
// Returns the index just past its closing ']', kNpos when it is unterminated
// (fnmatch then treats the '[' as an ordinary character), or kFailsHere.
size_t MatchBracket(std::string_view pattern, size_t open, unsigned char c, bool* matched) {
  size_t i = open + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;  // a ']' right after the opening is a literal
  while (i < pattern.size()) {
    unsigned char lo = pattern[i];
    if (lo == ']' && !first) {
      *matched = found != negate;
      return i + 1;
    }
    first = false;
    if (lo == '\\') {
      if (++i == pattern.size()) return kFailsHere;
      lo = pattern[i];
    }
    ++i;
    unsigned char hi = lo;
    if (i < pattern.size() && pattern[i] == '-') {
      // glibc stops reading a bracket at the first element the character
      // matches and then only looks for the closing ']'; it fails on a range
      // cut short by the pattern's end only if it gets there unmatched.
      if (i + 1 == pattern.size()) return found || lo == c ? kNpos : kFailsHere;
      if (pattern[i + 1] != ']') {
        hi = pattern[i + 1];
        i += 2;
        if (hi == '\\') {
          if (i == pattern.size()) return kFailsHere;
          hi = pattern[i++];
        }
      }
    }
    if (lo <= c && c <= hi) found = true;
  }
  return kNpos;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  // Position after the last '*' and the text position it currently absorbs up to;
  // every other element matches exactly one character, so backtracking to the
  // last star alone is enough.
  size_t star_p = kNpos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      size_t next = p + 1;
      bool ok = false;
      if (pc == '?') {
        ok = true;
      } else if (pc == '[') {
        bool matched = false;
        const size_t end = MatchBracket(pattern, p, static_cast<unsigned char>(text[t]), &matched);
        if (end == kNpos) {
          ok = text[t] == '[';
        } else if (end != kFailsHere) {
          next = end;
          ok = matched;
        }
      } else if (pc == '\\') {
        // A trailing backslash escapes nothing: fnmatch then matches nothing.
        if (p + 1 == pattern.size()) return false;
        next = p + 2;
        ok = pattern[p + 1] == text[t];
      } else {
        ok = pc == text[t];
      }
      if (ok) {
        p = next;
        ++t;
        continue;
      }
    }
    if (star_p == kNpos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

FieldValue ExtractField(const ExtractRequest& request, const ThreadFacts& thread, const ContainerInfo* info,
                        const ContainerLookup& lookup, std::string& scratch) {
  const FieldId id = request.id;
  if (info == nullptr && !WorksWithoutInfo(id)) return Null();

  switch (id) {
    case FieldId::kContainerId:
      if (info != nullptr && !info->id.empty()) return Str(info->id);
      if (!thread.container_id.empty()) return Copy(thread.container_id, scratch);
      return Str(kHostId);
    case FieldId::kContainerFullId:
      return Str(info->full_id);
    case FieldId::kContainerName:
      return Str(info->name);
    case FieldId::kContainerImage:
      return Str(info->image);
    case FieldId::kContainerImageId:
      return Str(info->image_id);
    case FieldId::kContainerType:
      return Str(ContainerTypeName(info->type));  // literals, never empty
    case FieldId::kContainerPrivileged:
      return Bool(info->privileged);
    case FieldId::kContainerMounts:
      scratch.clear();
      for (const ContainerMount& mount : info->mounts) {
        if (!scratch.empty()) scratch.append(",");
        AppendMount(mount, scratch);
      }
      return Str(scratch);
    case FieldId::kContainerMount:
    case FieldId::kContainerMountSource:
    case FieldId::kContainerMountDest:
    case FieldId::kContainerMountMode:
    case FieldId::kContainerMountRdwr:
    case FieldId::kContainerMountPropagation: {
      const ContainerMount* mount = SelectMount(request, *info, id == FieldId::kContainerMountSource);
      if (mount == nullptr) return Null();
      switch (id) {
        case FieldId::kContainerMount:
          scratch.clear();
          AppendMount(*mount, scratch);
          return Str(scratch);
        case FieldId::kContainerMountSource:
          return Str(mount->source);
        case FieldId::kContainerMountDest:
          return Str(mount->destination);
        case FieldId::kContainerMountMode:
          return Str(mount->mode);
        case FieldId::kContainerMountRdwr:
          return Str(mount->read_write ? "true" : "false");
        default:
          return Str(mount->propagation);
      }
    }
    case FieldId::kContainerImageRepository:
      return Str(info->image_repo);
    case FieldId::kContainerImageTag:
      return Str(info->image_tag);
    case FieldId::kContainerImageDigest:
      return Str(info->image_digest);
    case FieldId::kContainerHealthcheck:
      return FormatProbe(info->healthcheck, scratch);
    case FieldId::kContainerLivenessProbe:
      return FormatProbe(info->liveness_probe, scratch);
    case FieldId::kContainerReadinessProbe:
      return FormatProbe(info->readiness_probe, scratch);
    case FieldId::kContainerStartTs:
      return thread.pidns_init_start_ts == 0 ? Null() : U64(thread.pidns_init_start_ts);
    case FieldId::kContainerDuration:
      if (thread.pidns_init_start_ts == 0 || thread.event_ts < thread.pidns_init_start_ts) return Null();
      return U64(thread.event_ts - thread.pidns_init_start_ts);
    case FieldId::kContainerIp:
      return Str(info->ip);
    case FieldId::kContainerCniJson:
      return Str(info->cni_json);
    case FieldId::kContainerHostPid:
      return Bool(info->host_pid);
    case FieldId::kContainerHostNetwork:
      return Bool(info->host_network);
    case FieldId::kContainerHostIpc:
      return Bool(info->host_ipc);
    case FieldId::kContainerLabel:
      return LabelValue(info->labels, request.arg_key);
    case FieldId::kContainerLabels:
      return FormatLabels(info->labels, scratch);
    case FieldId::kProcIsContainerHealthcheck:
      return Bool(thread.category == ProcessCategory::kHealthcheck);
    case FieldId::kProcIsContainerLivenessProbe:
      return Bool(thread.category == ProcessCategory::kLivenessProbe);
    case FieldId::kProcIsContainerReadinessProbe:
      return Bool(thread.category == ProcessCategory::kReadinessProbe);
    case FieldId::kK8sPodName:
      return LabelValue(info->labels, kLabelPodName);
    case FieldId::kK8sNsName:
      return LabelValue(info->labels, kLabelPodNamespace);
    case FieldId::kK8sPodId:
    case FieldId::kK8sPodUid:
      return LabelValue(info->labels, kLabelPodUid);
    case FieldId::kK8sPodSandboxId:
      return Copy(ShortId(info->pod_sandbox_id), scratch);  // a prefix: not NUL-terminated in place
    case FieldId::kK8sPodFullSandboxId:
      return Str(info->pod_sandbox_id);
    case FieldId::kK8sPodLabel: {
      const ContainerInfo* sandbox = PodSandbox(*info, lookup);
      if (sandbox != nullptr) {
        const auto it = sandbox->pod_sandbox_labels.find(request.arg_key);
        if (it != sandbox->pod_sandbox_labels.end()) return Str(it->second);
      }
      return LabelValue(info->pod_sandbox_labels, request.arg_key);
    }
    case FieldId::kK8sPodLabels: {
      const ContainerInfo* sandbox = PodSandbox(*info, lookup);
      const bool use_sandbox = sandbox != nullptr && !sandbox->pod_sandbox_labels.empty();
      return FormatLabels(use_sandbox ? sandbox->pod_sandbox_labels : info->pod_sandbox_labels, scratch);
    }
    case FieldId::kK8sPodIp: {
      if (!InPod(*info)) return Null();
      const ContainerInfo* sandbox = PodSandbox(*info, lookup);
      if (sandbox != nullptr && !sandbox->ip.empty()) return Str(sandbox->ip);
      return Str(info->ip);
    }
    case FieldId::kK8sPodCniJson: {
      if (!InPod(*info)) return Null();
      const ContainerInfo* sandbox = PodSandbox(*info, lookup);
      return Str(sandbox != nullptr ? sandbox->cni_json : info->cni_json);
    }
    case FieldId::kK8sRcName:
    case FieldId::kK8sRcId:
    case FieldId::kK8sRcLabel:
    case FieldId::kK8sRcLabels:
    case FieldId::kK8sSvcName:
    case FieldId::kK8sSvcId:
    case FieldId::kK8sSvcLabel:
    case FieldId::kK8sSvcLabels:
    case FieldId::kK8sNsId:
    case FieldId::kK8sNsLabel:
    case FieldId::kK8sNsLabels:
    case FieldId::kK8sRsName:
    case FieldId::kK8sRsId:
    case FieldId::kK8sRsLabel:
    case FieldId::kK8sRsLabels:
    case FieldId::kK8sDeploymentName:
    case FieldId::kK8sDeploymentId:
    case FieldId::kK8sDeploymentLabel:
    case FieldId::kK8sDeploymentLabels:
    case FieldId::kCount:
      return Null();
  }
  return Null();
}

ProcessCategory ClassifyProcess(const ProcessFacts& facts, const ContainerInfo* info) {
  if (info != nullptr && info->type == ContainerType::kHost) return ProcessCategory::kNone;
  if (facts.vpid == 1) return ProcessCategory::kContainer;
  if (facts.own_category != ProcessCategory::kNone) return facts.own_category;
  if (facts.parent_category != ProcessCategory::kNone) return facts.parent_category;
  // Started from inside the container, so not a probe even if the command line matches.
  if (facts.has_container_init_ancestor) return ProcessCategory::kContainer;
  if (info == nullptr) return ProcessCategory::kNone;

  auto is = [&facts](const OptionalProbe& probe) {
    if (!probe || probe->exe != facts.exe) return false;
    if (facts.args == nullptr) return probe->args.empty();
    return probe->args == *facts.args;
  };
  if (is(info->healthcheck)) return ProcessCategory::kHealthcheck;
  if (is(info->liveness_probe)) return ProcessCategory::kLivenessProbe;
  if (is(info->readiness_probe)) return ProcessCategory::kReadinessProbe;
  return ProcessCategory::kNone;
}

}  // namespace libcontainer
