// Turns records from watcher threads into `container` / `container_removed`
// async events: the only path from the engines to the event thread.
#pragma once

#include "engines/container_engine.h"
#include "plugin/async_emitter.h"

namespace libcontainer {

class AsyncEventSink : public ContainerSink {
 public:
  explicit AsyncEventSink(AsyncEmitter& emitter) : emitter_(emitter) {}

  void OnContainer(const ContainerInfo& info) override;
  void OnContainerRemoved(const ContainerInfo& info) override;

 private:
  AsyncEmitter& emitter_;
};

}  // namespace libcontainer
