// What the churn's event thread learns from the async events it delivers to the plugin: per
// container (short id, the plugin's cache key), whether the plugin ever had a record of it and how
// often it entered the cache. The plugin's store keeps a record from a `container` event until a
// `container_removed` one, so a record after the removal brings the container back: a container that
// enters twice was reported after it was gone.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace testengines {

class ChurnObserver {
 public:
  // Async events in the order the host delivered them.
  void Observe(const std::vector<std::vector<uint8_t>>& events);
  bool Seen(const std::string& short_id) const { return states_.count(short_id) != 0; }
  // Short ids that entered the cache more than once, sorted, each with the first events the plugin
  // was told of it ('+' a record, '-' a removal, in order).
  std::vector<std::string> AddedTwice() const;

 private:
  // Small: the soak measures the RSS of the process this runs in.
  struct State {
    bool present = false;
    uint8_t entries = 0;
    uint8_t events = 0;
    char history[12] = {};  // the first events: '+' a record, '-' a removal
  };
  std::unordered_map<std::string, State> states_;
};

}  // namespace testengines
