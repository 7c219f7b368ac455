// A ContainerEngine made of one EngineSession per socket run by a
// GrpcEngineWatcher: what the containerd and cri engines have in common. They
// differ only in the session they make for a socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/logger.h"
#include "core/plugin_config.h"
#include "engines/container_engine.h"
#include "engines/docker/docker_decoder.h"
#include "engines/grpc_engine_watcher.h"
#include "engines/http/engine_timing.h"

namespace libcontainer {

class GrpcEngine : public ContainerEngine {
 public:
  using SessionMaker = std::function<std::unique_ptr<EngineSession>(
      const std::string& socket, GrpcEngineWatcher& watcher, const DecodeOptions& options, uint32_t hooks)>;

  // `sockets` already carry $HOST_ROOT. One session thread per socket plus the
  // inspect workers (InspectPipeline), all started by Start().
  GrpcEngine(std::string name, std::vector<std::string> sockets, const PluginConfig& config,
             const Logger& logger, EngineTiming timing, SessionMaker make_session);
  ~GrpcEngine() override;

  std::string_view name() const override { return name_; }
  void Start(ContainerSink& sink) override;
  void Stop() override;
  void RequestLookup(std::string_view id) override;
  Stats stats() const override;
  bool WaitForInitialList(std::chrono::milliseconds timeout) override;

 private:
  const std::string name_;
  const std::vector<std::string> sockets_;
  const DecodeOptions options_;
  const uint32_t hooks_;
  const SessionMaker make_session_;
  GrpcEngineWatcher watcher_;
};

}  // namespace libcontainer
