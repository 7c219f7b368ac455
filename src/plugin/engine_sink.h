// Turns records from watcher threads into `container` / `container_removed`
// async events: the only path from the engines to the event thread.
#pragma once

#include "core/logger.h"
#include "engines/container_engine.h"
#include "plugin/async_emitter.h"
#include "plugin/unclean_text_warning.h"

namespace libcontainer {

class AsyncEventSink : public ContainerSink {
 public:
  AsyncEventSink(AsyncEmitter& emitter, const Logger& logger) : emitter_(emitter), unclean_text_(logger) {}

  void OnContainer(const ContainerInfo& info) override;
  void OnContainerRemoved(const ContainerInfo& info) override;

 private:
  AsyncEmitter& emitter_;
  UncleanTextWarning unclean_text_;
};

}  // namespace libcontainer
