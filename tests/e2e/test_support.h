// Shared set-up for end-to-end tests: a loaded, initialised plugin behind the
// test host, and container payloads shaped like the engines' ones.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace e2e {

inline constexpr const char* kDockerId = "eba371cc398f5f32b983653f36cadd03c22c2a516b5b48c69fe5453155b6611d";
inline constexpr const char* kDockerShortId = "eba371cc398f";

inline std::unique_ptr<testhost::PluginHost> LoadPlugin(const std::string& config = "") {
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  EXPECT_NE(host, nullptr) << error;
  if (host == nullptr) return nullptr;
  EXPECT_TRUE(host->Init(config, &error)) << error;
  return host;
}

inline testhost::ThreadSpec DockerThread(int64_t tid, int64_t vpid, const std::string& id = kDockerId) {
  testhost::ThreadSpec spec;
  spec.tid = spec.pid = tid;
  spec.ptid = 1;
  spec.vpid = spec.vtid = vpid;
  spec.comm = "nginx";
  spec.exe = "/usr/sbin/nginx";
  spec.cgroups = {{"cpuset", "/docker/" + id}, {"memory", "/docker/" + id}};
  spec.pidns_init_start_ts = 1'700'000'000'000'000'000ULL;
  return spec;
}

inline testhost::ThreadSpec HostThread(int64_t tid) {
  testhost::ThreadSpec spec;
  spec.tid = spec.pid = spec.vpid = spec.vtid = tid;
  spec.ptid = 1;
  spec.comm = "bash";
  spec.exe = "/bin/bash";
  spec.cgroups = {{"cpuset", "/"}, {"memory", "/user.slice/user-1000.slice/session-2.scope"}};
  return spec;
}

// A docker container as the docker engine reports it.
inline std::string DockerPayload(const std::string& full_id = kDockerId, const std::string& name = "web") {
  return R"({"container":{"type":0,"id":")" + full_id.substr(0, 12) + R"(","full_id":")" + full_id +
         R"(","name":")" + name +
         R"(","image":"registry.local:5000/team/nginx:1.25@sha256:0123abcd","imageid":"4f1d","imagerepo":"registry.local:5000/team/nginx","imagetag":"1.25","imagedigest":"sha256:0123abcd","User":"101","ip":"172.17.0.2","privileged":true,"host_network":false,"host_pid":true,"host_ipc":false,"labels":{"app":"web","io.kubernetes.pod.name":"web-7d9","io.kubernetes.pod.namespace":"prod","io.kubernetes.pod.uid":"uid-1"},"Mounts":[{"Source":"/var/lib/data","Destination":"/data","Mode":"z","RW":true,"Propagation":"rprivate"},{"Source":"/etc/ssl","Destination":"/etc/ssl","Mode":"ro","RW":false,"Propagation":"rslave"}],"env":["A=1"],"created_time":1700000000,"size":-1,"Healthcheck":{"exe":"/bin/sh","args":["-c","curl -f localhost"]}}})";
}

}  // namespace e2e
