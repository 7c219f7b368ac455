// Thread-table entries as libsinsp hands them to the plugin: a process of a
// docker container and a host process. Shared by the end-to-end tests and the
// tests of the plugin's parts.
#pragma once

#include <cstdint>
#include <string>

#include "host/thread_table.h"

namespace testhost {

inline constexpr const char* kDockerId = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
inline constexpr const char* kDockerShortId = "eba371cc398f";

// Process `tid` of docker container `id`, pid `vpid` in its namespace.
inline ThreadSpec DockerThread(int64_t tid, int64_t vpid, const std::string& id = kDockerId,
                               int64_t ptid = 1) {
  ThreadSpec spec;
  spec.tid = spec.pid = tid;
  spec.ptid = ptid;
  spec.vpid = spec.vtid = vpid;
  spec.comm = "nginx";
  spec.exe = "/usr/sbin/nginx";
  spec.cgroups = {{"cpuset", "/docker/" + id}, {"memory", "/docker/" + id}};
  spec.pidns_init_start_ts = 1'700'000'000'000'000'000ULL;
  return spec;
}

inline ThreadSpec HostThread(int64_t tid) {
  ThreadSpec spec;
  spec.tid = spec.pid = spec.vpid = spec.vtid = tid;
  spec.ptid = 1;
  spec.comm = "bash";
  spec.exe = "/bin/bash";
  spec.cgroups = {{"cpuset", "/"}, {"memory", "/user.slice/user-1000.slice/session-2.scope"}};
  return spec;
}

}  // namespace testhost
