// What went away without the watcher reading its removal: containers a socket
// showed and no longer lists, found when it lists again after an outage and by
// the periodic reconciliation of connected sockets. Their records would
// otherwise stay in the plugin's cache for good.
#include <string>
#include <vector>

#include "engines/engine_watcher.h"

namespace libcontainer {

void EngineWatcher::ReportGoneWhileDown(Slot& slot) {
  const std::vector<SocketContainers::Gone> gone = shown_.Relisted(&slot, slot.listed);
  slot.listing = false;
  slot.listed = {};
  if (gone.empty()) return;
  logger_.Info(options_.name + ": " + std::to_string(gone.size()) + " containers went away while " +
               slot.session->socket() + " was not followed; reporting their removal");
  ReportGone(gone, "(gone from the new listing)");
}

void EngineWatcher::RunReconciler() {
  while (SleepUnlessStopped(timing_.reconcile_interval)) {
    for (Slot* slot : ConnectedSlots()) {
      if (stop_.load()) return;
      Reconcile(*slot);
    }
  }
}

void EngineWatcher::Reconcile(Slot& slot) {
  // Taken first: whatever is shown from now on may have been created after
  // the engine made its list.
  const std::vector<std::string> before = shown_.OwnedBy(&slot);
  std::string error;
  const auto listed = slot.session->ListIds(&error);
  if (!listed) {
    // The session sees an engine that went away; the next round tries again.
    if (!stop_.load() && logger_.Enabled(LogLevel::kDebug)) {
      logger_.Debug(options_.name + ": no reconciling list of " + slot.session->socket() + ": " + error);
    }
    return;
  }
  const std::vector<SocketContainers::Gone> gone = shown_.Reconciled(&slot, before, *listed);
  if (gone.empty() || stop_.load()) return;
  logger_.Info(options_.name + ": " + std::to_string(gone.size()) + " containers shown by " +
               slot.session->socket() +
               " are no longer listed and no removal event was read; reporting their removal");
  ReportGone(gone, "(gone from a reconciling listing)");
}

void EngineWatcher::ReportGone(const std::vector<SocketContainers::Gone>& gone, std::string_view source) {
  counters_.removals_relisted.fetch_add(gone.size());
  for (const auto& container : gone) {
    EngineEvent removed;
    removed.kind = EngineEvent::Kind::kRemove;
    removed.id = container.id;
    HandleEvent(removed, container.type, source, nullptr);
  }
}

}  // namespace libcontainer
