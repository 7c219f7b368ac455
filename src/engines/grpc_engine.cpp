#include "engines/grpc_engine.h"

#include <utility>

namespace libcontainer {

GrpcEngine::GrpcEngine(std::string name, std::vector<std::string> sockets, const PluginConfig& config,
                       const Logger& logger, EngineTiming timing, SessionMaker make_session)
    : name_(std::move(name)),
      sockets_(std::move(sockets)),
      options_{config.label_max_len, config.with_size},
      hooks_(config.hooks),
      make_session_(std::move(make_session)),
      watcher_(name_, logger, timing) {}

GrpcEngine::~GrpcEngine() {
  Stop();
}

void GrpcEngine::Start(ContainerSink& sink) {
  watcher_.Start(sink, sockets_, [this](const std::string& socket) {
    return make_session_(socket, watcher_, options_, hooks_);
  });
}

void GrpcEngine::Stop() {
  watcher_.Stop();
}

void GrpcEngine::RequestLookup(std::string_view id) {
  watcher_.RequestLookup(id);
}

ContainerEngine::Stats GrpcEngine::stats() const {
  return watcher_.stats();
}

bool GrpcEngine::WaitForInitialList(std::chrono::milliseconds timeout) {
  return watcher_.WaitForInitialList(timeout);
}

}  // namespace libcontainer
