#include "engines/common/docker_api.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"

namespace libcontainer {
namespace {

// The accessors are this file's vocabulary.
using namespace json_access;  // NOLINT(google-build-using-namespace)

void ReadLabels(const Json& config, uint32_t label_max_len, ContainerInfo* info) {
  const Json* labels = ObjectMember(config, "Labels");
  if (labels == nullptr) return;
  for (const auto& [key, value] : labels->items()) {
    if (!value.is_string()) continue;
    const auto& text = value.get_ref<const std::string&>();
    // The sandbox id is taken before the length filter so it never gets lost.
    if (key == "io.kubernetes.sandbox.id") info->pod_sandbox_id = text;
    KeepLabel(&info->labels, key, text, label_max_len);
  }
}

void ReadMounts(const Json& root, ContainerInfo* info) {
  const Json* mounts = ArrayMember(root, "Mounts");
  if (mounts == nullptr) return;
  for (const auto& m : *mounts) {
    if (!m.is_object()) continue;
    ContainerMount mount;
    mount.source = String(m, "Source");
    mount.destination = String(m, "Destination");
    mount.mode = String(m, "Mode");
    mount.read_write = Bool(m, "RW", true);
    mount.propagation = String(m, "Propagation");
    info->mounts.push_back(std::move(mount));
  }
}

std::string ReadIp(const Json& root) {
  const Json* settings = ObjectMember(root, "NetworkSettings");
  if (settings == nullptr) return {};
  std::string ip = String(*settings, "IPAddress");
  if (!ip.empty()) return ip;
  // User-defined networks leave the top-level address empty; take the first
  // network (in key order, so the choice is stable) that has one.
  if (const Json* networks = ObjectMember(*settings, "Networks")) {
    for (const auto& [name, network] : networks->items()) {
      ip = String(network, "IPAddress");
      if (!ip.empty()) return ip;
    }
  }
  return {};
}

// `bindings` maps "80/tcp" to [{HostIp, HostPort}]. Only TCP and IPv4 (or
// unspecified) host addresses are reported, like the reference.
void ReadPortBindings(const Json& bindings, bool require_host_port, std::vector<PortMapping>* out) {
  if (!bindings.is_object()) return;
  for (const auto& [key, list] : bindings.items()) {
    std::string_view spec = key;
    std::string_view proto = "tcp";  // docker's default when no protocol is given
    if (auto slash = spec.find('/'); slash != std::string_view::npos) {
      proto = spec.substr(slash + 1);
      spec = spec.substr(0, slash);
    }
    uint16_t container_port = 0;
    if (proto != "tcp" || !ParseNumber(spec, &container_port) || !list.is_array()) continue;
    for (const auto& binding : list) {
      if (!binding.is_object()) continue;
      PortMapping mapping;
      mapping.container_port = container_port;
      std::string host_ip = String(binding, "HostIp");
      if (!host_ip.empty()) {
        auto parsed = engine_decode::ParseIpv4(host_ip);
        if (!parsed) continue;  // IPv6 has no uint32 encoding
        mapping.host_ip = *parsed;
      }
      if (const Json* port = Member(binding, "HostPort")) {
        if (port->is_string()) {
          if (!ParseNumber(std::string_view(port->get_ref<const std::string&>()), &mapping.host_port)) {
            mapping.host_port = 0;
          }
        } else if (auto n = ToInt64(*port); n && *n > 0 && *n <= 65535) {
          mapping.host_port = static_cast<uint16_t>(*n);
        }
      }
      if (require_host_port && mapping.host_port == 0) continue;
      out->push_back(mapping);
    }
  }
}

void ReadHostConfig(const Json& host, ContainerInfo* info) {
  using engine_decode::kDefaultCpuPeriod;
  using engine_decode::kDefaultCpuShares;
  info->privileged = Bool(host, "Privileged");
  info->host_pid = String(host, "PidMode") == "host";
  info->host_network = String(host, "NetworkMode") == "host";
  info->host_ipc = String(host, "IpcMode") == "host";
  info->cpu_period = Int(host, "CpuPeriod").value_or(0);
  info->cpu_quota = Int(host, "CpuQuota").value_or(0);
  info->cpu_shares = Int(host, "CpuShares").value_or(0);
  info->memory_limit = Int(host, "Memory").value_or(0);
  info->swap_limit = Int(host, "MemorySwap").value_or(0);
  info->cpuset_cpu_count = engine_decode::CountCpusetCpus(String(host, "CpusetCpus"));
  if (info->cpu_period <= 0) info->cpu_period = kDefaultCpuPeriod;
  if (info->cpu_shares <= 0) info->cpu_shares = kDefaultCpuShares;
  // `--cpus` sets NanoCpus and leaves CpuQuota 0; express it as a quota over
  // the period so the limit is not lost (the reference reports 0 here).
  const int64_t nano_cpus = Int(host, "NanoCpus").value_or(0);
  if (info->cpu_quota == 0 && nano_cpus > 0 &&
      nano_cpus < std::numeric_limits<int64_t>::max() / info->cpu_period) {
    info->cpu_quota = nano_cpus * info->cpu_period / engine_decode::kNanosPerSecond;
  }
}

// The <id> of HostConfig.NetworkMode `container:<id>`, "" for any other mode.
std::string NetworkModeContainer(const Json& root) {
  const Json* host = ObjectMember(root, "HostConfig");
  if (host == nullptr) return "";
  const std::string mode = String(*host, "NetworkMode");
  constexpr std::string_view kPrefix = "container:";
  if (!std::string_view(mode).starts_with(kPrefix)) return "";
  return mode.substr(kPrefix.size());
}

}  // namespace

namespace engine_decode {

bool ParseInspectRoot(std::string_view text, Json* root, std::string* error) {
  if (!ParseDocument(text, root, error)) return false;
  if (!root->is_object()) {
    SetError(error, "inspect response is not an object");
    return false;
  }
  if (String(*root, "Id").empty()) {
    SetError(error, "inspect response has no Id");
    return false;
  }
  return true;
}

std::optional<ContainerInfo> DecodeInspect(std::string_view text, const DecodeOptions& options,
                                           ContainerType type, const EngineInspectFields& engine_fields,
                                           std::string* error, std::string* network_container) {
  try {
    Json root;
    if (!ParseInspectRoot(text, &root, error)) return std::nullopt;
    ContainerInfo info;
    info.type = type;
    FillCommonInspect(root, options, &info);
    engine_fields(root, &info);
    if (network_container != nullptr) *network_container = NetworkModeContainer(root);
    return info;
  } catch (const std::exception& e) {
    SetError(error, std::string("inspect decode failed: ") + e.what());
  } catch (...) {
    SetError(error, "inspect decode failed");
  }
  return std::nullopt;
}

std::optional<ProbeCommand> ProbeFromHealthcheckTest(const Json& test) {
  if (!test.is_array() || test.empty() || !test[0].is_string()) return std::nullopt;
  for (const auto& part : test) {
    if (!part.is_string()) return std::nullopt;
  }
  const auto& kind = test[0].get_ref<const std::string&>();
  if (kind == "CMD") {
    if (test.size() < 2 || test[1].get_ref<const std::string&>().empty()) return std::nullopt;
    ProbeCommand probe;
    probe.exe = test[1].get<std::string>();
    for (size_t i = 2; i < test.size(); ++i) probe.args.push_back(test[i].get<std::string>());
    return probe;
  }
  if (kind == "CMD-SHELL") {
    if (test.size() < 2) return std::nullopt;
    return ProbeCommand{"/bin/sh", {"-c", test[1].get<std::string>()}};
  }
  return std::nullopt;  // "NONE" disables the check; anything else is unknown
}

void FillCommonInspect(const Json& root, const DecodeOptions& options, ContainerInfo* info) {
  info->full_id = String(root, "Id");
  info->id = std::string(ShortId(info->full_id));
  info->name = String(root, "Name");
  if (!info->name.empty() && info->name.front() == '/') info->name.erase(0, 1);

  if (const Json* created = Member(root, "Created")) {
    if (created->is_string()) {
      info->created_time = ParseRfc3339Seconds(created->get_ref<const std::string&>()).value_or(0);
    } else {
      info->created_time = ToInt64(*created).value_or(0);  // list responses use epoch seconds
    }
  }

  if (const Json* config = ObjectMember(root, "Config")) {
    info->user = String(*config, "User");
    info->env = StringArray(*config, "Env");
    ReadLabels(*config, options.label_max_len, info);
    if (const Json* health = ObjectMember(*config, "Healthcheck")) {
      if (const Json* test = Member(*health, "Test")) info->healthcheck = ProbeFromHealthcheckTest(*test);
    }
  }

  if (const Json* host = ObjectMember(root, "HostConfig")) {
    ReadHostConfig(*host, info);
  } else {
    info->cpu_period = kDefaultCpuPeriod;
    info->cpu_shares = kDefaultCpuShares;
  }

  ReadMounts(root, info);
  info->ip = ReadIp(root);

  // Live bindings first; before the container starts they are empty, so fall
  // back to the requested ones that name a fixed host port.
  if (const Json* ports = Path(root, {"NetworkSettings", "Ports"})) {
    ReadPortBindings(*ports, false, &info->port_mappings);
  }
  if (info->port_mappings.empty()) {
    if (const Json* ports = Path(root, {"HostConfig", "PortBindings"})) {
      ReadPortBindings(*ports, true, &info->port_mappings);
    }
  }

  info->size = -1;
  if (options.with_size) {
    if (auto size = Int(root, "SizeRw")) info->size = *size;
  }
}

void SetImage(std::string image, std::string_view image_id, ContainerInfo* info) {
  info->image = std::move(image);
  info->image_id = std::string(StripSha256(image_id));
  if (info->image.empty() || IsImageIdReference(info->image, info->image_id)) return;
  ImageReference ref = ParseImageReference(info->image);
  info->image_repo = std::move(ref.repository);
  info->image_tag = std::move(ref.tag);
  info->image_digest = std::move(ref.digest);
}

std::optional<EngineEvent> EventFromJson(const Json& root) {
  if (!root.is_object() || String(root, "Type") != "container") return std::nullopt;
  EngineEvent event;
  std::string action = String(root, "Action");
  if (action.empty()) action = String(root, "status");
  event.kind = KindFromAction(action);
  if (const Json* actor = ObjectMember(root, "Actor")) {
    event.id = String(*actor, "ID");
    if (const Json* attributes = ObjectMember(*actor, "Attributes")) {
      for (const auto& [key, value] : attributes->items()) {
        if (!value.is_string()) continue;
        if (key == "name") {
          event.name = value.get<std::string>();
        } else if (key == "image") {
          event.image = value.get<std::string>();
        } else if (!IsEngineAttribute(key)) {
          event.labels.emplace(key, value.get<std::string>());
        }
      }
    }
  }
  if (event.id.empty()) event.id = String(root, "id");
  if (event.id.empty()) return std::nullopt;
  if (auto nano = Int(root, "timeNano"); nano && *nano > 0) {
    event.time_nano = *nano;
  } else if (auto seconds = Int(root, "time"); seconds && *seconds > 0) {
    event.time_nano = *seconds < std::numeric_limits<int64_t>::max() / kNanosPerSecond
                          ? *seconds * kNanosPerSecond
                          : std::numeric_limits<int64_t>::max();
  }
  return event;
}

std::optional<EngineEvent> EventFromLine(std::string_view line) {
  try {
    line = Trim(line);
    if (line.empty()) return std::nullopt;
    Json root;
    if (!ParseDocument(line, &root, nullptr)) return std::nullopt;
    return EventFromJson(root);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<std::vector<ContainerInfo>> ListedContainers(std::string_view text, ContainerType type,
                                                           const DecodeOptions& options, std::string* error) {
  try {
    Json root;
    if (!ParseDocument(text, &root, error)) return std::nullopt;
    std::vector<ContainerInfo> listed;
    if (root.is_null()) return listed;
    if (!root.is_array()) {
      SetError(error, "container list is not an array");
      return std::nullopt;
    }
    for (const auto& entry : root) {
      if (String(entry, "Id").empty()) continue;
      ContainerInfo info;
      info.type = type;
      // An entry shares its shape with an inspect, but for where it keeps
      // the name, the labels and the image.
      FillCommonInspect(entry, options, &info);
      if (const Json* names = ArrayMember(entry, "Names"); names != nullptr && !names->empty()) {
        info.name = (*names)[0].is_string() ? (*names)[0].get<std::string>() : std::string();
        if (!info.name.empty() && info.name.front() == '/') info.name.erase(0, 1);
      }
      ReadLabels(entry, options.label_max_len, &info);
      SetImage(String(entry, "Image"), String(entry, "ImageID"), &info);
      listed.push_back(std::move(info));
    }
    return listed;
  } catch (...) {
    SetError(error, "container list decode failed");
    return std::nullopt;
  }
}

}  // namespace engine_decode
}  // namespace libcontainer
