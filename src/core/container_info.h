// The container record: everything an engine tells us about one container.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"

namespace libcontainer {

// Numeric values are part of the wire format (`type` in the JSON payload).
enum class ContainerType : uint32_t {
  kDocker = 0,
  kLxc = 1,
  kLibvirtLxc = 2,
  kMesos = 3,
  kRkt = 4,
  kCustom = 5,
  kCri = 6,
  kContainerd = 7,
  kCrio = 8,
  kBpm = 9,
  kStatic = 10,
  kPodman = 11,
  kHost = 65534,
  kUnknown = 65535,
};

// Name used by the `container.type` field; never empty.
std::string_view ContainerTypeName(ContainerType type);
// Maps a wire value to the enum; anything unrecognised becomes kUnknown.
ContainerType ContainerTypeFromWire(int64_t value);

struct ContainerMount {
  std::string source;
  std::string destination;
  std::string mode;
  bool read_write = true;
  std::string propagation;

  bool operator==(const ContainerMount&) const = default;
};

struct PortMapping {
  uint32_t host_ip = 0;  // IPv4, host byte order of the big-endian address
  uint16_t host_port = 0;
  uint16_t container_port = 0;

  bool operator==(const PortMapping&) const = default;
};

// A health check or Kubernetes probe command, as the process that runs it.
struct ProbeCommand {
  std::string exe;
  std::vector<std::string> args;

  bool operator==(const ProbeCommand&) const = default;
};

// A probe command or none, with std::optional's interface for what records
// need. It holds a pointer: most containers have no probes, and the three
// std::optional<ProbeCommand> of a record (64 bytes each) were almost a quarter
// of every cached container's fixed size.
class OptionalProbe {
 public:
  OptionalProbe() = default;
  OptionalProbe(const OptionalProbe& other) { *this = other; }
  OptionalProbe(OptionalProbe&&) noexcept = default;
  OptionalProbe& operator=(const OptionalProbe& other) {
    probe_ = other.probe_ == nullptr ? nullptr : std::make_unique<ProbeCommand>(*other.probe_);
    return *this;
  }
  OptionalProbe& operator=(OptionalProbe&&) noexcept = default;
  OptionalProbe& operator=(std::optional<ProbeCommand> probe) {
    probe_ = probe ? std::make_unique<ProbeCommand>(std::move(*probe)) : nullptr;
    return *this;
  }
  ~OptionalProbe() = default;

  bool has_value() const { return probe_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const ProbeCommand& operator*() const { return *probe_; }
  ProbeCommand& operator*() { return *probe_; }
  const ProbeCommand* operator->() const { return probe_.get(); }
  ProbeCommand* operator->() { return probe_.get(); }
  void reset() { probe_.reset(); }

  bool operator==(const OptionalProbe& other) const {
    if (!has_value() || !other.has_value()) return has_value() == other.has_value();
    return *probe_ == *other.probe_;
  }

 private:
  std::unique_ptr<ProbeCommand> probe_;
};

struct ContainerInfo {
  ContainerType type = ContainerType::kUnknown;
  std::string id;       // short id (12 chars for runc-style ids)
  std::string full_id;  // full id as the engine reports it
  std::string name;
  std::string image;
  std::string image_id;
  std::string image_repo;
  std::string image_tag;
  std::string image_digest;
  std::string user;
  std::string cni_json;
  std::string ip;
  std::string pod_sandbox_id;

  int64_t cpu_period = 0;
  int64_t cpu_quota = 0;
  int64_t cpu_shares = 0;
  int64_t cpuset_cpu_count = 0;
  int64_t created_time = 0;  // seconds since the epoch
  int64_t memory_limit = 0;
  int64_t swap_limit = 0;
  int64_t size = -1;  // -1: unknown

  bool host_ipc = false;
  bool host_network = false;
  bool host_pid = false;
  bool is_pod_sandbox = false;
  bool privileged = false;

  std::vector<std::string> env;
  Labels labels;
  Labels pod_sandbox_labels;
  std::vector<PortMapping> port_mappings;
  std::vector<ContainerMount> mounts;

  OptionalProbe healthcheck;
  OptionalProbe liveness_probe;
  OptionalProbe readiness_probe;

  bool operator==(const ContainerInfo&) const = default;
};

// Runc-style ids are reported by their first 12 characters.
inline constexpr size_t kShortIdLength = 12;
inline std::string_view ShortId(std::string_view full_id) {
  return full_id.substr(0, kShortIdLength);
}

// Splits an image reference into repository, tag and digest. A registry host
// with a port (`host:5000/app`) is not a tag; `@sha256:...` is the digest.
struct ImageReference {
  std::string repository;
  std::string tag;
  std::string digest;
};
ImageReference ParseImageReference(std::string_view image);

}  // namespace libcontainer
