// Waiting for the engines' first listings, for a host that wants the
// containers that already exist known before it handles its first event.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engines/container_engine.h"

namespace libcontainer {

// Waits until every engine has listed its containers (or found its sockets
// unreachable), sharing one deadline among all of them, so the whole wait is
// at most `timeout` however many engines there are; a zero timeout waits with
// no bound. Returns the names of the engines still listing at the deadline
// (they go on in the background).
std::vector<std::string> WaitForInitialListings(const std::vector<std::unique_ptr<ContainerEngine>>& engines,
                                                std::chrono::seconds timeout);

}  // namespace libcontainer
