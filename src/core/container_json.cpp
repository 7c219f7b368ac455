#include "core/container_json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/container_text.h"
#include "core/json_error.h"

namespace libcontainer {
namespace {

using nlohmann::json;

json ProbeToJson(const ProbeCommand& probe) {
  json out = json::object();
  out["exe"] = probe.exe;
  out["args"] = probe.args;
  return out;
}

// --- Reading: every helper leaves the output alone when the key is missing,
// null or of an unexpected type, so defaults survive.

const json* Find(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

void ReadString(const json& obj, const char* key, std::string* out) {
  if (const json* v = Find(obj, key); v != nullptr && v->is_string()) *out = v->get_ref<const std::string&>();
}

void ReadBool(const json& obj, const char* key, bool* out) {
  if (const json* v = Find(obj, key); v != nullptr && v->is_boolean()) *out = v->get<bool>();
}

// Integers may arrive signed, unsigned or (from lenient writers) as doubles.
bool ToInt64(const json& v, int64_t* out) {
  switch (v.type()) {
    case json::value_t::number_integer:
      *out = v.get<int64_t>();
      return true;
    case json::value_t::number_unsigned: {
      auto u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      *out = static_cast<int64_t>(u);
      return true;
    }
    case json::value_t::number_float: {
      double d = v.get<double>();
      // 2^63 is exact as a double; anything outside [-2^63, 2^63) would overflow.
      if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
      *out = static_cast<int64_t>(d);
      return true;
    }
    default:
      return false;
  }
}

void ReadInt64(const json& obj, const char* key, int64_t* out) {
  int64_t value;
  if (const json* v = Find(obj, key); v != nullptr && ToInt64(*v, &value)) *out = value;
}

// Out-of-range values are ignored rather than truncated.
template <typename T>
void ReadUnsigned(const json& obj, const char* key, T* out) {
  int64_t value;
  if (const json* v = Find(obj, key); v != nullptr && ToInt64(*v, &value) && value >= 0 &&
                                      static_cast<uint64_t>(value) <= std::numeric_limits<T>::max()) {
    *out = static_cast<T>(value);
  }
}

void ReadStringArray(const json& obj, const char* key, std::vector<std::string>* out) {
  const json* v = Find(obj, key);
  if (v == nullptr || !v->is_array()) return;
  out->reserve(v->size());
  for (const auto& item : *v) {
    if (item.is_string()) out->push_back(item.get_ref<const std::string&>());
  }
}

void ReadLabels(const json& obj, const char* key, Labels* out) {
  const json* v = Find(obj, key);
  if (v == nullptr || !v->is_object()) return;
  for (const auto& [name, value] : v->items()) {
    if (value.is_string()) out->emplace(name, value.get_ref<const std::string&>());
  }
}

void ReadProbe(const json& obj, const char* key, OptionalProbe* out) {
  const json* v = Find(obj, key);
  if (v == nullptr || !v->is_object()) return;
  ProbeCommand probe;
  ReadString(*v, "exe", &probe.exe);
  ReadStringArray(*v, "args", &probe.args);
  *out = std::move(probe);
}

void ReadPortMappings(const json& obj, std::vector<PortMapping>* out) {
  const json* v = Find(obj, "port_mappings");
  if (v == nullptr || !v->is_array()) return;
  for (const auto& item : *v) {
    if (!item.is_object()) continue;
    PortMapping mapping;
    ReadUnsigned(item, "HostIp", &mapping.host_ip);
    ReadUnsigned(item, "HostPort", &mapping.host_port);
    ReadUnsigned(item, "ContainerPort", &mapping.container_port);
    out->push_back(mapping);
  }
}

void ReadMounts(const json& obj, std::vector<ContainerMount>* out) {
  const json* v = Find(obj, "Mounts");
  if (v == nullptr || !v->is_array()) return;
  for (const auto& item : *v) {
    if (!item.is_object()) continue;
    ContainerMount mount;
    // Like the reference reader, a missing RW means read-only.
    mount.read_write = false;
    ReadString(item, "Source", &mount.source);
    ReadString(item, "Destination", &mount.destination);
    ReadString(item, "Mode", &mount.mode);
    ReadBool(item, "RW", &mount.read_write);
    ReadString(item, "Propagation", &mount.propagation);
    out->push_back(std::move(mount));
  }
}

// An image given as an image id carries no repository or tag to derive.
bool IsImageId(std::string_view image) {
  if (image.starts_with("sha256:")) return true;
  if (image.size() != 64) return false;
  for (char c : image) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void FillImageParts(ContainerInfo* info) {
  if (info->image.empty() || IsImageId(info->image)) return;
  if (!info->image_repo.empty() && !info->image_tag.empty() && !info->image_digest.empty()) return;
  ImageReference ref = ParseImageReference(info->image);
  if (info->image_repo.empty()) info->image_repo = std::move(ref.repository);
  if (info->image_tag.empty()) info->image_tag = std::move(ref.tag);
  if (info->image_digest.empty()) info->image_digest = std::move(ref.digest);
}

}  // namespace

std::string ContainerToJson(const ContainerInfo& record) {
  // What Falco reads back must hold no NUL and no invalid UTF-8 (see
  // container_text.h); a record that needs cleaning is copied, the rest not.
  std::optional<ContainerInfo> cleaned;
  if (!HasCleanText(record)) {
    cleaned = record;
    CleanContainerText(&*cleaned);
  }
  const ContainerInfo& info = cleaned ? *cleaned : record;
  json c = json::object();
  c["type"] = static_cast<uint32_t>(info.type);
  c["id"] = info.id;
  c["full_id"] = info.full_id;
  c["name"] = info.name;
  c["image"] = info.image;
  c["imageid"] = info.image_id;
  c["imagerepo"] = info.image_repo;
  c["imagetag"] = info.image_tag;
  c["imagedigest"] = info.image_digest;
  c["User"] = info.user;
  c["cni_json"] = info.cni_json;
  c["ip"] = info.ip;
  c["pod_sandbox_id"] = info.pod_sandbox_id;
  c["cpu_period"] = info.cpu_period;
  c["cpu_quota"] = info.cpu_quota;
  c["cpu_shares"] = info.cpu_shares;
  c["cpuset_cpu_count"] = info.cpuset_cpu_count;
  c["created_time"] = info.created_time;
  c["memory_limit"] = info.memory_limit;
  c["swap_limit"] = info.swap_limit;
  c["size"] = info.size;
  c["host_ipc"] = info.host_ipc;
  c["host_network"] = info.host_network;
  c["host_pid"] = info.host_pid;
  c["is_pod_sandbox"] = info.is_pod_sandbox;
  c["privileged"] = info.privileged;
  c["env"] = info.env;
  // Explicit objects so that an empty map is `{}`, never `null`.
  json labels = json::object();
  for (const auto& [k, v] : info.labels) labels[k] = v;
  c["labels"] = std::move(labels);
  json sandbox_labels = json::object();
  for (const auto& [k, v] : info.pod_sandbox_labels) sandbox_labels[k] = v;
  c["pod_sandbox_labels"] = std::move(sandbox_labels);

  json ports = json::array();
  for (const auto& p : info.port_mappings) {
    json entry = json::object();
    entry["HostIp"] = p.host_ip;
    entry["HostPort"] = p.host_port;
    entry["ContainerPort"] = p.container_port;
    ports.push_back(std::move(entry));
  }
  c["port_mappings"] = std::move(ports);

  json mounts = json::array();
  for (const auto& m : info.mounts) {
    json entry = json::object();
    entry["Source"] = m.source;
    entry["Destination"] = m.destination;
    entry["Mode"] = m.mode;
    entry["RW"] = m.read_write;
    entry["Propagation"] = m.propagation;
    mounts.push_back(std::move(entry));
  }
  c["Mounts"] = std::move(mounts);

  if (info.healthcheck) c["Healthcheck"] = ProbeToJson(*info.healthcheck);
  if (info.liveness_probe) c["LivenessProbe"] = ProbeToJson(*info.liveness_probe);
  if (info.readiness_probe) c["ReadinessProbe"] = ProbeToJson(*info.readiness_probe);

  json root = json::object();
  root["container"] = std::move(c);
  // Cleaned above; `replace` only keeps dump() from ever throwing.
  return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool ContainerFromJson(std::string_view text, ContainerInfo* out, std::string* error) {
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);

  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    // Old captures may hold non-UTF-8 label values; retry once with them
    // replaced, and then the retry's failure is the one worth reporting.
    std::string reason = DescribeJsonError(e);
    std::string clean;
    bool parsed = false;
    if (ReplaceInvalidUtf8(text, &clean)) {
      try {
        root = json::parse(clean);
        parsed = true;
      } catch (const json::exception& retry) {
        reason = DescribeJsonError(retry);
      }
    }
    if (!parsed) {
      if (error != nullptr) *error = std::move(reason);
      return false;
    }
  }

  if (!root.is_object()) {
    if (error != nullptr) *error = "container JSON: root is not an object";
    return false;
  }
  const json* c = &root;
  if (auto it = root.find("container"); it != root.end()) {
    if (!it->is_object()) {
      if (error != nullptr) *error = "container JSON: 'container' is not an object";
      return false;
    }
    c = &*it;
  }

  ContainerInfo info;
  if (const json* v = Find(*c, "type"); v != nullptr) {
    int64_t wire;
    if (ToInt64(*v, &wire)) info.type = ContainerTypeFromWire(wire);
  }
  ReadString(*c, "id", &info.id);
  ReadString(*c, "full_id", &info.full_id);
  ReadString(*c, "name", &info.name);
  ReadString(*c, "image", &info.image);
  ReadString(*c, "imageid", &info.image_id);
  ReadString(*c, "imagerepo", &info.image_repo);
  ReadString(*c, "imagetag", &info.image_tag);
  ReadString(*c, "imagedigest", &info.image_digest);
  ReadString(*c, "User", &info.user);
  ReadString(*c, "cni_json", &info.cni_json);
  ReadString(*c, "ip", &info.ip);
  ReadString(*c, "pod_sandbox_id", &info.pod_sandbox_id);
  ReadInt64(*c, "cpu_period", &info.cpu_period);
  ReadInt64(*c, "cpu_quota", &info.cpu_quota);
  ReadInt64(*c, "cpu_shares", &info.cpu_shares);
  ReadInt64(*c, "cpuset_cpu_count", &info.cpuset_cpu_count);
  ReadInt64(*c, "created_time", &info.created_time);
  ReadInt64(*c, "memory_limit", &info.memory_limit);
  ReadInt64(*c, "swap_limit", &info.swap_limit);
  ReadInt64(*c, "size", &info.size);
  ReadBool(*c, "host_ipc", &info.host_ipc);
  ReadBool(*c, "host_network", &info.host_network);
  ReadBool(*c, "host_pid", &info.host_pid);
  ReadBool(*c, "is_pod_sandbox", &info.is_pod_sandbox);
  ReadBool(*c, "privileged", &info.privileged);
  ReadStringArray(*c, "env", &info.env);
  ReadLabels(*c, "labels", &info.labels);
  ReadLabels(*c, "pod_sandbox_labels", &info.pod_sandbox_labels);
  ReadPortMappings(*c, &info.port_mappings);
  ReadMounts(*c, &info.mounts);
  ReadProbe(*c, "Healthcheck", &info.healthcheck);
  ReadProbe(*c, "LivenessProbe", &info.liveness_probe);
  ReadProbe(*c, "ReadinessProbe", &info.readiness_probe);
  FillImageParts(&info);
  // Records from other writers (older captures) may hold NULs (as \u0000)
  // or, after the retry above, U+FFFD already: Falco gets the same clean text
  // from them as from our engines.
  CleanContainerText(&info);

  *out = std::move(info);
  return true;
}

}  // namespace libcontainer
