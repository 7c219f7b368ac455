#include "engines/common/oci_spec.h"

#include <array>
#include <string>

#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"

namespace libcontainer::oci_spec {
namespace {

// The accessors are this file's vocabulary.
using namespace json_access;  // NOLINT(google-build-using-namespace)

bool HasOption(const Json& mount, std::string_view option) {
  if (const Json* options = ArrayMember(mount, "options")) {
    for (const auto& o : *options) {
      if (o.is_string() && o.get_ref<const std::string&>() == option) return true;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 8> kPropagationOptions = {
    "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"};

void ReadMounts(const Json& spec, ContainerInfo* info) {
  const Json* mounts = ArrayMember(spec, "mounts");
  if (mounts == nullptr) return;
  std::string rootfs_propagation;
  if (const Json* linux_section = ObjectMember(spec, "linux"))
    rootfs_propagation = String(*linux_section, "rootfsPropagation");
  for (const auto& m : *mounts) {
    if (!m.is_object()) continue;
    ContainerMount mount;
    mount.source = String(m, "source");
    mount.destination = String(m, "destination");
    mount.read_write = !HasOption(m, "ro");
    mount.propagation = rootfs_propagation;
    if (const Json* options = ArrayMember(m, "options")) {
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

void ReadResources(const Json& linux_section, ContainerInfo* info) {
  const Json* resources = ObjectMember(linux_section, "resources");
  if (resources == nullptr) return;
  if (const Json* cpu = ObjectMember(*resources, "cpu")) {
    info->cpu_shares = IntegerOnly(*cpu, "shares").value_or(0);
    info->cpu_quota = IntegerOnly(*cpu, "quota").value_or(0);
    info->cpu_period = IntegerOnly(*cpu, "period").value_or(0);
    info->cpuset_cpu_count = engine_decode::CountCpusetCpus(String(*cpu, "cpus"));
  }
  if (const Json* memory = ObjectMember(*resources, "memory")) {
    info->memory_limit = IntegerOnly(*memory, "limit").value_or(0);
    info->swap_limit = IntegerOnly(*memory, "swap").value_or(0);
  }
}

void ReadHostNamespaces(const Json& linux_section, ContainerInfo* info) {
  const Json* namespaces = ArrayMember(linux_section, "namespaces");
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

}  // namespace

std::string Annotation(const Json& spec, std::string_view key) {
  if (const Json* annotations = ObjectMember(spec, "annotations")) return String(*annotations, key);
  return {};
}

bool LooksPrivileged(const Json& spec) {
  if (const Json* process = ObjectMember(spec, "process")) {
    if (!String(*process, "selinuxLabel").empty()) return false;
    std::string apparmor = String(*process, "apparmorProfile");
    if (!apparmor.empty() && apparmor != "unconfined") return false;
  }
  // Without a linux section this is no runc spec and nothing can be told.
  const Json* linux_section = ObjectMember(spec, "linux");
  if (linux_section == nullptr) return false;
  if (NonEmptyArray(*linux_section, "maskedPaths") || NonEmptyArray(*linux_section, "readonlyPaths"))
    return false;
  if (const Json* seccomp = Member(*linux_section, "seccomp"); seccomp != nullptr && !seccomp->is_null())
    return false;
  if (const Json* mounts = ArrayMember(spec, "mounts")) {
    for (const auto& m : *mounts) {
      std::string type = String(m, "type");
      if ((type == "sysfs" || type == "cgroup" || type == "cgroup2") && HasOption(m, "ro")) return false;
    }
  }
  return true;
}

void Apply(const Json& spec, ContainerInfo* info) {
  if (!spec.is_object()) return;
  if (const Json* process = ObjectMember(spec, "process")) {
    if (const Json* user = ObjectMember(*process, "user")) {
      if (auto uid = IntegerOnly(*user, "uid")) info->user = std::to_string(*uid);
    }
    if (const Json* env = ArrayMember(*process, "env")) {
      for (const auto& e : *env) {
        if (e.is_string()) info->env.push_back(e.get<std::string>());
      }
    }
  }
  ReadMounts(spec, info);
  if (const Json* linux_section = ObjectMember(spec, "linux")) {
    ReadResources(*linux_section, info);
    ReadHostNamespaces(*linux_section, info);
  }
  info->privileged = LooksPrivileged(spec);
}

}  // namespace libcontainer::oci_spec
