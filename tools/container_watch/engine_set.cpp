#include "engine_set.h"

#include <algorithm>
#include <chrono>

#include "engines/engine_factory.h"

namespace container_watch {

void TrackingSink::OnContainer(const libcontainer::ContainerInfo& info) {
  std::lock_guard lock(mutex_);
  if (auto change = tracker_.OnContainer(info)) on_change_(*change);
}

void TrackingSink::OnContainerRemoved(const libcontainer::ContainerInfo& info) {
  std::lock_guard lock(mutex_);
  if (auto change = tracker_.OnRemoved(info)) on_change_(*change);
}

std::map<std::string, libcontainer::ContainerInfo> TrackingSink::Containers() const {
  std::lock_guard lock(mutex_);
  return tracker_.containers();
}

EngineSet::EngineSet(const libcontainer::PluginConfig& config, const libcontainer::Logger& logger) {
  const std::string host_root = libcontainer::HostRootFromEnvironment();
  engines_ = libcontainer::CreateEngines(config, host_root, logger);
  const std::vector<EngineSockets> configured = ConfiguredSockets(config, host_root);
  for (const auto& engine : engines_) {
    auto it = std::find_if(configured.begin(), configured.end(),
                           [&](const EngineSockets& s) { return s.engine == engine->name(); });
    sockets_.push_back(it != configured.end() ? *it : EngineSockets{std::string(engine->name()), {}, false});
  }
}

EngineSet::~EngineSet() {
  Stop();
}

void EngineSet::Start(libcontainer::ContainerSink& sink) {
  for (auto& engine : engines_) engine->Start(sink);
}

void EngineSet::WaitForListings(double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (auto& engine : engines_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    engine->WaitForInitialList(std::max(left, std::chrono::milliseconds(0)));
  }
}

void EngineSet::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& engine : engines_) engine->Stop();
}

bool EngineSet::AnyConnected() const {
  return std::any_of(engines_.begin(), engines_.end(), [](const auto& e) { return e->stats().connected; });
}

std::vector<bool> EngineSet::Connected() const {
  std::vector<bool> out;
  out.reserve(engines_.size());
  for (const auto& engine : engines_) out.push_back(engine->stats().connected);
  return out;
}

std::vector<std::string> EngineSet::StatusLines() const {
  std::vector<std::string> out;
  out.reserve(engines_.size());
  for (size_t i = 0; i < engines_.size(); ++i)
    out.push_back(DescribeEngine(sockets_[i], engines_[i]->stats()));
  return out;
}

}  // namespace container_watch
