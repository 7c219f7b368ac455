#include "engines/common/engine_event.h"

namespace libcontainer {

const char* EventKindName(EngineEvent::Kind kind) {
  switch (kind) {
    case EngineEvent::Kind::kCreate:
      return "create";
    case EngineEvent::Kind::kStart:
      return "start";
    case EngineEvent::Kind::kRemove:
      return "remove";
    case EngineEvent::Kind::kDie:
      return "die";
    case EngineEvent::Kind::kOther:
      break;
  }
  return "other";
}

namespace engine_decode {

bool IsEngineAttribute(std::string_view key) {
  return key == "exitCode" || key == "containerExitCode" || key == "signal" || key == "podId" ||
         key == "execID" || key == "health_status" || key == "driver";
}

EngineEvent::Kind KindFromAction(std::string_view action) {
  if (action == "create") return EngineEvent::Kind::kCreate;
  if (action == "start") return EngineEvent::Kind::kStart;
  // podman's libpod endpoint says "died" where docker (and podman compat) say "die".
  if (action == "die" || action == "died") return EngineEvent::Kind::kDie;
  // docker says "destroy"; podman (both endpoints) says "remove".
  if (action == "destroy" || action == "remove") return EngineEvent::Kind::kRemove;
  return EngineEvent::Kind::kOther;
}

}  // namespace engine_decode
}  // namespace libcontainer
