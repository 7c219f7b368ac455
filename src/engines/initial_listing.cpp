#include "engines/initial_listing.h"

#include <algorithm>

namespace libcontainer {

std::vector<std::string> WaitForInitialListings(const std::vector<std::unique_ptr<ContainerEngine>>& engines,
                                                std::chrono::seconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> still_listing;
  for (const auto& engine : engines) {
    if (timeout.count() == 0) {
      // Every socket lists or fails within its request deadlines, so this
      // ends; the slices only keep the wait free of clock overflow.
      while (!engine->WaitForInitialList(std::chrono::hours(1))) {
      }
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!engine->WaitForInitialList(std::max(left, std::chrono::milliseconds(0)))) {
      still_listing.emplace_back(engine->name());
    }
  }
  return still_listing;
}

}  // namespace libcontainer
