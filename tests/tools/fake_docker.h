// A scripted docker daemon on a private unix socket (tests/engines' fake),
// for running container-watch without root or a real engine. Header-only.
#pragma once

#include <memory>
#include <string>

#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"

namespace watchtest {

inline std::string FullId(const std::string& tag) {
  return libcontainer::engine_testing::Id(tag);
}

// A docker inspect document: full record (created time, image id) so the
// tool counts it complete.
inline std::string DockerInspect(const std::string& tag, const std::string& name, const std::string& image,
                                 const std::string& labels_json = R"({"app":"web"})") {
  return R"({"Id":")" + FullId(tag) + R"(","Name":"/)" + name +
         R"(","Created":"2026-11-23T19:08:42.778232282Z",)" + R"("Image":"sha256:)" + FullId("1a") +
         R"(","Config":{"Image":")" + image + R"(","Labels":)" + labels_json +
         R"(},"HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"IPAddress":"172.17.0.2"}})";
}

class FakeDocker {
 public:
  FakeDocker()
      : engine_(libcontainer::engine_testing::FakeEngine::kDockerVersion),
        server_(std::make_unique<libcontainer::FakeHttpServer>(engine_.Handler())) {}
  ~FakeDocker() { server_.reset(); }  // its handlers use engine_

  libcontainer::engine_testing::FakeEngine& engine() { return engine_; }
  libcontainer::FakeHttpServer& server() { return *server_; }
  const std::string& socket() const { return server_->socket_path(); }

 private:
  libcontainer::engine_testing::FakeEngine engine_;
  std::unique_ptr<libcontainer::FakeHttpServer> server_;
};

}  // namespace watchtest
