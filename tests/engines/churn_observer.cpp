#include "engines/churn_observer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "host/event_builder.h"

namespace testengines {

void ChurnObserver::Observe(const std::vector<std::vector<uint8_t>>& events) {
  for (const auto& event : events) {
    const auto decoded = testhost::events::DecodeAsyncEvent(event);
    if (!decoded) continue;
    const bool removed = decoded->name == "container_removed";
    if (!removed && decoded->name != "container") continue;
    const auto doc = nlohmann::json::parse(decoded->data.c_str(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("container") || !doc["container"].is_object()) continue;
    const std::string id = doc["container"].value("id", "");
    if (id.empty()) continue;
    State& state = states_[id];
    if (state.events + 1 < static_cast<int>(sizeof(state.history)))
      state.history[state.events++] = removed ? '-' : '+';
    if (removed) {
      state.present = false;
    } else if (!state.present) {
      state.present = true;
      if (state.entries < UINT8_MAX) ++state.entries;
    }
  }
}

std::vector<std::string> ChurnObserver::AddedTwice() const {
  std::vector<std::string> twice;
  for (const auto& [id, state] : states_) {
    if (state.entries > 1) twice.push_back(id + " " + state.history);
  }
  std::sort(twice.begin(), twice.end());
  return twice;
}

}  // namespace testengines
