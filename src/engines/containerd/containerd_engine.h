// Watches containerd's native API (SPEC §7): subscribes to container and task
// events in every namespace, lists all namespaces' containers, reports new
// containers on create/start and removals on delete, reconnects with backoff
// and answers on-demand lookups (full or 12-character ids).
#pragma once

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

class ContainerdEngine final : public ContainerEngine {
 public:
  // `sockets` already carry $HOST_ROOT. One session thread per socket plus one
  // lookup thread, all started by Start().
  ContainerdEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
                   EngineTiming timing = {});
  ~ContainerdEngine() override;

  std::string_view name() const override { return "containerd"; }
  void Start(ContainerSink& sink) override;
  void Stop() override;
  void RequestLookup(std::string_view id) override;
  Stats stats() const override;
  bool WaitForInitialList(std::chrono::milliseconds timeout) override;

 private:
  const std::vector<std::string> sockets_;
  const DecodeOptions options_;
  const uint32_t hooks_;
  GrpcEngineWatcher watcher_;
};

}  // namespace libcontainer
