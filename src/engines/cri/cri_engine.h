// Watches Kubernetes CRI runtimes (containerd's CRI plugin, CRI-O; SPEC §7):
// lists containers and pod sandboxes at start, follows GetContainerEvents
// where the runtime implements it and otherwise polls ListContainers +
// ListPodSandbox (containerd < 1.7), reconnects with backoff and answers
// on-demand lookups by id prefix.
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

class CriEngine final : public ContainerEngine {
 public:
  // `sockets` already carry $HOST_ROOT. One session thread per socket plus one
  // lookup thread, all started by Start(). Records are typed by the runtime's
  // name (containerd, cri-o, else cri).
  CriEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
            EngineTiming timing = {});
  ~CriEngine() override;

  std::string_view name() const override { return "cri"; }
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
