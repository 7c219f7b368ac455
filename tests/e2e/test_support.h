// Shared set-up for end-to-end tests: a loaded, initialised plugin behind the
// test host, and container payloads shaped like the engines' ones.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "host/event_builder.h"
#include "host/plugin_host.h"
#include "host/thread_specs.h"

namespace e2e {

using testhost::DockerThread;
using testhost::HostThread;
using testhost::kDockerId;
using testhost::kDockerShortId;

inline std::unique_ptr<testhost::PluginHost> LoadPlugin(const std::string& config = "") {
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  EXPECT_NE(host, nullptr) << error;
  if (host == nullptr) return nullptr;
  EXPECT_TRUE(host->Init(config, &error)) << error;
  return host;
}

// A docker container as the docker engine reports it.
inline std::string DockerPayload(const std::string& full_id = kDockerId, const std::string& name = "web") {
  return R"({"container":{"type":0,"id":")" + full_id.substr(0, 12) + R"(","full_id":")" + full_id +
         R"(","name":")" + name +
         R"(","image":"registry.local:5000/team/nginx:1.25@sha256:0123abcd","imageid":"4f1d","imagerepo":"registry.local:5000/team/nginx","imagetag":"1.25","imagedigest":"sha256:0123abcd","User":"101","ip":"172.17.0.2","privileged":true,"host_network":false,"host_pid":true,"host_ipc":false,"labels":{"app":"web","io.kubernetes.pod.name":"web-7d9","io.kubernetes.pod.namespace":"prod","io.kubernetes.pod.uid":"uid-1"},"Mounts":[{"Source":"/var/lib/data","Destination":"/data","Mode":"z","RW":true,"Propagation":"rprivate"},{"Source":"/etc/ssl","Destination":"/etc/ssl","Mode":"ro","RW":false,"Propagation":"rslave"}],"env":["A=1"],"created_time":1700000000,"size":-1,"Healthcheck":{"exe":"/bin/sh","args":["-c","curl -f localhost"]}}})";
}

}  // namespace e2e
