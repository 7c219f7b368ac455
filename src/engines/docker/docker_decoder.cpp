#include "engines/docker/docker_decoder.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace libcontainer {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultCpuPeriod = 100000;
constexpr int64_t kDefaultCpuShares = 1024;
constexpr int64_t kNanosPerSecond = 1000000000;
// nlohmann's parser recurses per nesting level; engine JSON is shallow, so a
// deeper document is rejected before it can exhaust the stack.
constexpr int kMaxNesting = 256;

// --- Typed accessors: a missing key, null or wrong type gives the default.

const json* Member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json* ObjectMember(const json& obj, const char* key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

std::string String(const json& obj, const char* key) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

bool Bool(const json& obj, const char* key, bool fallback = false) {
  const json* v = Member(obj, key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

// Integers may arrive signed, unsigned or as doubles; out-of-range values are
// clamped rather than wrapped.
std::optional<int64_t> ToInt64(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
      return v.get<int64_t>();
    case json::value_t::number_unsigned: {
      uint64_t u = v.get<uint64_t>();
      return u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                 ? std::numeric_limits<int64_t>::max()
                 : static_cast<int64_t>(u);
    }
    case json::value_t::number_float: {
      double d = v.get<double>();
      if (!std::isfinite(d) || d <= -9.2e18 || d >= 9.2e18) return std::nullopt;
      return static_cast<int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> Int(const json& obj, const char* key) {
  const json* v = Member(obj, key);
  return v == nullptr ? std::nullopt : ToInt64(*v);
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool NestingWithinLimit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// --- Pieces of the inspect document.

void ReadLabels(const json& config, uint32_t label_max_len, ContainerInfo* info) {
  const json* labels = ObjectMember(config, "Labels");
  if (labels == nullptr) return;
  for (const auto& [key, value] : labels->items()) {
    if (!value.is_string()) continue;
    const auto& text = value.get_ref<const std::string&>();
    // The sandbox id is taken before the length filter so it never gets lost.
    if (key == "io.kubernetes.sandbox.id") info->pod_sandbox_id = text;
    if (text.size() <= label_max_len) info->labels.emplace(key, text);
  }
}

void ReadEnv(const json& config, ContainerInfo* info) {
  const json* env = Member(config, "Env");
  if (env == nullptr || !env->is_array()) return;
  for (const auto& entry : *env) {
    if (entry.is_string()) info->env.push_back(entry.get<std::string>());
  }
}

void ReadMounts(const json& root, ContainerInfo* info) {
  const json* mounts = Member(root, "Mounts");
  if (mounts == nullptr || !mounts->is_array()) return;
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

std::string ReadIp(const json& root) {
  const json* settings = ObjectMember(root, "NetworkSettings");
  if (settings == nullptr) return {};
  std::string ip = String(*settings, "IPAddress");
  if (!ip.empty()) return ip;
  // User-defined networks leave the top-level address empty; take the first
  // network (in key order, so the choice is stable) that has one.
  if (const json* networks = ObjectMember(*settings, "Networks")) {
    for (const auto& [name, network] : networks->items()) {
      ip = String(network, "IPAddress");
      if (!ip.empty()) return ip;
    }
  }
  return {};
}

// `bindings` maps "80/tcp" to [{HostIp, HostPort}]. Only TCP and IPv4 (or
// unspecified) host addresses are reported, like the reference.
void ReadPortBindings(const json& bindings, bool require_host_port, std::vector<PortMapping>* out) {
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
      if (const json* port = Member(binding, "HostPort")) {
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

void ReadHostConfig(const json& host, ContainerInfo* info) {
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
  int64_t nano_cpus = Int(host, "NanoCpus").value_or(0);
  if (info->cpu_quota == 0 && nano_cpus > 0 &&
      nano_cpus < std::numeric_limits<int64_t>::max() / info->cpu_period) {
    info->cpu_quota = nano_cpus * info->cpu_period / kNanosPerSecond;
  }
}

bool IsHexString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Docker Hub names appear both short (`busybox`) and long
// (`docker.io/library/busybox`); compare them in the short form.
std::string_view NormalizeRepository(std::string_view repo) {
  for (std::string_view prefix : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (repo.starts_with(prefix)) {
      repo.remove_prefix(prefix.size());
      break;
    }
  }
  if (repo.starts_with("library/")) repo.remove_prefix(8);
  return repo;
}

std::vector<std::string> StringArray(const json& obj, const char* key) {
  std::vector<std::string> out;
  const json* v = Member(obj, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& entry : *v) {
    if (entry.is_string()) out.push_back(entry.get<std::string>());
  }
  return out;
}

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

namespace engine_decode {

bool IsEngineAttribute(std::string_view key) {
  return key == "exitCode" || key == "containerExitCode" || key == "signal" || key == "podId" ||
         key == "execID" || key == "health_status" || key == "driver";
}

EngineEvent::Kind KindFromAction(std::string_view action) {
  if (action == "create") return EngineEvent::Kind::kCreate;
  if (action == "start") return EngineEvent::Kind::kStart;
  // podman's libpod endpoint says "died" where docker (and podman compat) say "die".
  if (action == "die" || action == "died") return EngineEvent::Kind::kDie;
  // docker says "destroy"; podman (both endpoints) says "remove".
  if (action == "destroy" || action == "remove") return EngineEvent::Kind::kRemove;
  return EngineEvent::Kind::kOther;
}

namespace {

struct Rfc3339Time {
  int64_t seconds = 0;
  int64_t nanos = 0;  // the fraction, 0..999999999
};

// YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM); fraction digits past nanoseconds are dropped.
std::optional<Rfc3339Time> ParseRfc3339(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  // Unsigned fields: from_chars then rejects signs, so "-1" cannot slip through.
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ParseNumber(text.substr(0, 4), &year) || text[4] != '-' || !ParseNumber(text.substr(5, 2), &month) ||
      text[7] != '-' || !ParseNumber(text.substr(8, 2), &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ParseNumber(text.substr(11, 2), &hour) ||
      text[13] != ':' || !ParseNumber(text.substr(14, 2), &minute) || text[16] != ':' ||
      !ParseNumber(text.substr(17, 2), &second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::string_view rest = text.substr(19);
  int64_t nanos = 0;
  if (!rest.empty() && rest.front() == '.') {
    size_t digits = 1;
    // Digits past the ninth weigh 0.
    for (int64_t scale = kNanosPerSecond / 10;
         digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9'; ++digits, scale /= 10) {
      nanos += (rest[digits] - '0') * scale;
    }
    if (digits == 1) return std::nullopt;
    rest.remove_prefix(digits);
  }
  int64_t offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    unsigned off_hour = 0, off_minute = 0;
    if (!ParseNumber(rest.substr(1, 2), &off_hour) || !ParseNumber(rest.substr(4, 2), &off_minute) ||
        off_hour > 23 || off_minute > 59) {
      return std::nullopt;
    }
    offset = (int64_t{off_hour} * 3600 + int64_t{off_minute} * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{static_cast<int>(year)}, std::chrono::month{month},
                                   std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  return Rfc3339Time{days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + int64_t{second} - offset,
                     nanos};
}

}  // namespace

std::optional<int64_t> ParseRfc3339Seconds(std::string_view text) {
  const auto time = ParseRfc3339(text);
  return time ? std::optional<int64_t>(time->seconds) : std::nullopt;
}

std::optional<int64_t> ParseRfc3339Nanos(std::string_view text) {
  const auto time = ParseRfc3339(text);
  if (!time || time->seconds < 0 || time->seconds >= std::numeric_limits<int64_t>::max() / kNanosPerSecond)
    return std::nullopt;
  return time->seconds * kNanosPerSecond + time->nanos;
}

int64_t CountCpusetCpus(std::string_view cpuset) {
  int64_t count = 0;
  while (!cpuset.empty()) {
    auto comma = cpuset.find(',');
    std::string_view part = Trim(cpuset.substr(0, comma));
    cpuset = comma == std::string_view::npos ? std::string_view() : cpuset.substr(comma + 1);
    if (part.empty()) continue;
    uint32_t first = 0, last = 0;
    if (auto dash = part.find('-'); dash != std::string_view::npos) {
      if (ParseNumber(Trim(part.substr(0, dash)), &first) &&
          ParseNumber(Trim(part.substr(dash + 1)), &last) && last >= first) {
        count += static_cast<int64_t>(last) - first + 1;
      }
    } else if (ParseNumber(part, &first)) {
      ++count;
    }
  }
  return count;
}

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  uint32_t address = 0;
  for (int i = 0; i < 4; ++i) {
    auto dot = text.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
    std::string_view octet = text.substr(0, dot);
    uint32_t value = 0;
    if (octet.empty() || octet.size() > 3 || !ParseNumber(octet, &value) || value > 255) return std::nullopt;
    address = (address << 8) | value;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return address;
}

bool IsImageIdReference(std::string_view image, std::string_view image_id) {
  if (image.starts_with("sha256:")) return true;
  return IsHexString(image) && !image_id.empty() && image_id.starts_with(image);
}

std::string_view StripSha256(std::string_view id) {
  if (id.starts_with("sha256:")) id.remove_prefix(7);
  return id;
}

bool ParseDocument(std::string_view text, json* out, std::string* error) {
  if (!NestingWithinLimit(text)) {
    SetError(error, "JSON nested too deeply");
    return false;
  }
  try {
    *out = json::parse(text.begin(), text.end());
    return true;
  } catch (const std::exception& e) {
    SetError(error, std::string("malformed JSON: ") + e.what());
  } catch (...) {
    SetError(error, "malformed JSON");
  }
  return false;
}

bool ParseInspectRoot(std::string_view text, json* root, std::string* error) {
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

std::optional<ProbeCommand> ProbeFromHealthcheckTest(const json& test) {
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

void FillCommonInspect(const json& root, const DecodeOptions& options, ContainerInfo* info) {
  info->full_id = String(root, "Id");
  info->id = std::string(ShortId(info->full_id));
  info->name = String(root, "Name");
  if (!info->name.empty() && info->name.front() == '/') info->name.erase(0, 1);

  if (const json* created = Member(root, "Created")) {
    if (created->is_string()) {
      info->created_time = ParseRfc3339Seconds(created->get_ref<const std::string&>()).value_or(0);
    } else {
      info->created_time = ToInt64(*created).value_or(0);  // list responses use epoch seconds
    }
  }

  if (const json* config = ObjectMember(root, "Config")) {
    info->user = String(*config, "User");
    ReadEnv(*config, info);
    ReadLabels(*config, options.label_max_len, info);
    if (const json* health = ObjectMember(*config, "Healthcheck")) {
      if (const json* test = Member(*health, "Test")) info->healthcheck = ProbeFromHealthcheckTest(*test);
    }
  }

  if (const json* host = ObjectMember(root, "HostConfig")) {
    ReadHostConfig(*host, info);
  } else {
    info->cpu_period = kDefaultCpuPeriod;
    info->cpu_shares = kDefaultCpuShares;
  }

  ReadMounts(root, info);
  info->ip = ReadIp(root);

  // Live bindings first; before the container starts they are empty, so fall
  // back to the requested ones that name a fixed host port.
  if (const json* settings = ObjectMember(root, "NetworkSettings")) {
    if (const json* ports = Member(*settings, "Ports")) ReadPortBindings(*ports, false, &info->port_mappings);
  }
  if (info->port_mappings.empty()) {
    if (const json* host = ObjectMember(root, "HostConfig")) {
      if (const json* ports = Member(*host, "PortBindings"))
        ReadPortBindings(*ports, true, &info->port_mappings);
    }
  }

  info->size = -1;
  if (options.with_size) {
    if (auto size = Int(root, "SizeRw")) info->size = *size;
  }
}

std::optional<EngineEvent> EventFromJson(const json& root) {
  if (!root.is_object() || String(root, "Type") != "container") return std::nullopt;
  EngineEvent event;
  std::string action = String(root, "Action");
  if (action.empty()) action = String(root, "status");
  event.kind = KindFromAction(action);
  const json* actor = ObjectMember(root, "Actor");
  if (actor != nullptr) {
    event.id = String(*actor, "ID");
    if (const json* attributes = ObjectMember(*actor, "Attributes")) {
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

std::optional<std::vector<std::string>> IdsFromList(std::string_view text, std::string* error) {
  json root;
  if (!ParseDocument(text, &root, error)) return std::nullopt;
  std::vector<std::string> ids;
  if (root.is_null()) return ids;
  if (!root.is_array()) {
    SetError(error, "container list is not an array");
    return std::nullopt;
  }
  for (const auto& entry : root) {
    std::string id = String(entry, "Id");
    if (!id.empty()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace engine_decode

std::optional<ContainerInfo> DecodeDockerInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error) {
  try {
    json root;
    if (!engine_decode::ParseInspectRoot(text, &root, error)) return std::nullopt;
    ContainerInfo info;
    info.type = ContainerType::kDocker;
    engine_decode::FillCommonInspect(root, options, &info);

    info.image_id = std::string(engine_decode::StripSha256(String(root, "Image")));
    if (const json* config = ObjectMember(root, "Config")) info.image = String(*config, "Image");
    if (!info.image.empty() && !engine_decode::IsImageIdReference(info.image, info.image_id)) {
      ImageReference ref = ParseImageReference(info.image);
      info.image_repo = std::move(ref.repository);
      info.image_tag = std::move(ref.tag);
      info.image_digest = std::move(ref.digest);
    }

    // dockershim names sandboxes k8s_POD_<pod>_<ns>_…; a sandbox is its own pod's sandbox.
    info.is_pod_sandbox = info.name.find("k8s_POD") != std::string::npos;
    if (info.is_pod_sandbox && info.pod_sandbox_id.empty()) info.pod_sandbox_id = info.full_id;
    return info;
  } catch (const std::exception& e) {
    SetError(error, std::string("inspect decode failed: ") + e.what());
  } catch (...) {
    SetError(error, "inspect decode failed");
  }
  return std::nullopt;
}

std::optional<std::string> DockerNetworkModeContainer(std::string_view inspect_json) {
  try {
    json root;
    if (!engine_decode::ParseDocument(inspect_json, &root, nullptr)) return std::nullopt;
    const json* host = ObjectMember(root, "HostConfig");
    if (host == nullptr) return std::nullopt;
    std::string mode = String(*host, "NetworkMode");
    constexpr std::string_view kPrefix = "container:";
    if (!std::string_view(mode).starts_with(kPrefix) || mode.size() == kPrefix.size()) return std::nullopt;
    return mode.substr(kPrefix.size());
  } catch (...) {
    return std::nullopt;
  }
}

void ApplyDockerImageInspect(std::string_view image_json, ContainerInfo* info) {
  if (info == nullptr) return;
  try {
    json root;
    if (!engine_decode::ParseDocument(image_json, &root, nullptr) || !root.is_object()) return;
    if (info->image_id.empty()) info->image_id = std::string(engine_decode::StripSha256(String(root, "Id")));

    std::vector<std::string> repo_digests = StringArray(root, "RepoDigests");
    std::vector<std::string> repo_tags = StringArray(root, "RepoTags");

    auto digest_repo = [](std::string_view entry) { return entry.substr(0, entry.find('@')); };

    if (info->image_repo.empty()) {
      // Created from an image id: name it after the image's own references.
      if (!repo_digests.empty()) {
        info->image_repo = std::string(digest_repo(repo_digests.front()));
      } else if (!repo_tags.empty()) {
        info->image_repo = ParseImageReference(repo_tags.front()).repository;
      }
    }
    std::string_view wanted = NormalizeRepository(info->image_repo);

    if (info->image_digest.empty()) {
      for (const auto& entry : repo_digests) {
        auto at = entry.find('@');
        if (at != std::string::npos && NormalizeRepository(entry.substr(0, at)) == wanted) {
          info->image_digest = entry.substr(at + 1);
          break;
        }
      }
      // A single digest is unambiguous even when its name differs (retagged image).
      if (info->image_digest.empty() && repo_digests.size() == 1) {
        auto at = repo_digests.front().find('@');
        if (at != std::string::npos) info->image_digest = repo_digests.front().substr(at + 1);
      }
    }

    if (info->image_tag.empty()) {
      // An untagged reference means `latest`; otherwise take the first tag of the repository.
      std::string first_match;
      for (const auto& entry : repo_tags) {
        ImageReference ref = ParseImageReference(entry);
        if (NormalizeRepository(ref.repository) != wanted || ref.tag.empty()) continue;
        if (ref.tag == "latest") {
          first_match = ref.tag;
          break;
        }
        if (first_match.empty()) first_match = ref.tag;
      }
      info->image_tag = first_match;
    }
  } catch (...) {
    // Leave whatever was filled; the record is still usable.
  }
}

std::optional<std::vector<std::string>> DecodeDockerContainerList(std::string_view json_text,
                                                                  std::string* error) {
  try {
    return engine_decode::IdsFromList(json_text, error);
  } catch (...) {
    SetError(error, "container list decode failed");
    return std::nullopt;
  }
}

std::optional<EngineEvent> DecodeDockerEvent(std::string_view line) {
  try {
    line = Trim(line);
    if (line.empty()) return std::nullopt;
    json root;
    if (!engine_decode::ParseDocument(line, &root, nullptr)) return std::nullopt;
    return engine_decode::EventFromJson(root);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace libcontainer
