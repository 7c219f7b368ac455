#include "plugin/engine_sink.h"

#include "core/container_json.h"

namespace libcontainer {

void AsyncEventSink::OnContainer(const ContainerInfo& info) {
  unclean_text_.Check(info);
  emitter_.Emit(kContainerEventName, ContainerToJson(info));
}

void AsyncEventSink::OnContainerRemoved(const ContainerInfo& info) {
  unclean_text_.Forget(info);
  emitter_.Emit(kContainerRemovedEventName, ContainerToJson(info));
}

}  // namespace libcontainer
