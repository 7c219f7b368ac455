// The plugin's init config (SPEC §8): parsing, validation and JSON schema.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace libcontainer {

// Accepted spellings: "trace", "debug", "info", "warn"/"warning", "error",
// plus "notice" (-> info) and "critical"/"fatal" (-> error).
enum class LogLevel { kTrace, kDebug, kInfo, kWarning, kError };
std::string_view LogLevelName(LogLevel level);

struct EngineSockets {
  bool enabled = true;
  std::vector<std::string> sockets;  // without $HOST_ROOT; the engine prefixes it
};

// Podman's events logs (events_logger = "file") are followed with inotify
// because its API stream only delivers their events after polling them. The
// engine finds each service's log itself (its info, command line and
// containers.conf); `events_logs`, when set, names those of the services on
// `sockets` instead.
struct PodmanEngineConfig : EngineSockets {
  // Without $HOST_ROOT. nullopt: discover; [] follows none.
  std::optional<std::vector<std::string>> events_logs;
};

struct StaticContainerConfig {
  bool enabled = false;
  std::string container_id, container_name, container_image;
};

// Bits of PluginConfig::hooks: which engine events trigger an inspect.
inline constexpr uint32_t kHookCreate = 1, kHookStart = 2;

struct PluginConfig {
  uint32_t label_max_len = 100;
  bool with_size = false;
  uint32_t hooks = kHookCreate;
  LogLevel log_level = LogLevel::kWarning;  // "log_level" or its alias "verbosity"
  // SPEC §7 default sockets. Podman lists the root socket only: discovering
  // rootless sockets (/run/user/<uid>/...) is the podman engine's job.
  EngineSockets docker{true, {"/var/run/docker.sock"}};
  PodmanEngineConfig podman{{true, {"/run/podman/podman.sock"}}, std::nullopt};
  EngineSockets containerd{true,
                           {"/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock",
                            "/run/host-containerd/containerd.sock"}};
  EngineSockets cri{true,
                    {"/run/containerd/containerd.sock", "/run/crio/crio.sock",
                     "/run/k3s/containerd/containerd.sock", "/run/host-containerd/containerd.sock"}};
  bool lxc = true, libvirt_lxc = true, bpm = true;
  StaticContainerConfig static_container;

  // How long capture open waits for the engines' initial listings (all of
  // them together), so that the first events already see the containers that
  // existed before Falco started; a listing still running then goes on in the
  // background. 0 = wait until every engine has listed or failed. The
  // reference (0.7.3+) spells it the same, in seconds.
  uint32_t engine_timeout_s = 10;

  // Additions of ours (not in the reference; document in the README):
  // "cgroup_cache_size": entries of the cgroup path -> container id cache, 16..1048576.
  uint32_t cgroup_cache_size = 4096;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "", whitespace only and null mean all defaults. Unknown keys (at any level) and
// wrong types are rejected with a ConfigError whose message names the key
// path, e.g. `engines.docker.sockets[1]: expected string`.
PluginConfig ParsePluginConfig(std::string_view text);

// Draft-04 JSON schema describing exactly what ParsePluginConfig accepts
// (returned by plugin_get_init_schema).
const std::string& PluginConfigSchema();

}  // namespace libcontainer
