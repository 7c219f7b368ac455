// The engine watchers the config enables, as the plugin runs them, with what
// the tool reports about them: records through a tracking sink, one status
// line per engine.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "change_tracker.h"
#include "core/logger.h"
#include "core/plugin_config.h"
#include "engine_status.h"
#include "engines/container_engine.h"

namespace container_watch {

// Watcher threads call it concurrently; changes reach `on_change` one at a
// time, in the order the tracker saw them.
class TrackingSink : public libcontainer::ContainerSink {
 public:
  using Callback = std::function<void(const Change&)>;
  explicit TrackingSink(Callback on_change) : on_change_(std::move(on_change)) {}

  void OnContainer(const libcontainer::ContainerInfo& info) override;
  void OnContainerRemoved(const libcontainer::ContainerInfo& info) override;

  // A copy: the watchers keep writing.
  std::map<std::string, libcontainer::ContainerInfo> Containers() const;

 private:
  Callback on_change_;
  mutable std::mutex mutex_;
  ChangeTracker tracker_;
};

class EngineSet {
 public:
  EngineSet(const libcontainer::PluginConfig& config, const libcontainer::Logger& logger);
  ~EngineSet();
  EngineSet(const EngineSet&) = delete;
  EngineSet& operator=(const EngineSet&) = delete;

  bool empty() const { return engines_.empty(); }
  void Start(libcontainer::ContainerSink& sink);
  // Until every engine has listed or found its sockets unreachable, or the
  // time is up (all engines together).
  void WaitForListings(double seconds);
  void Stop();

  bool AnyConnected() const;
  // Per engine: whether it is connected now.
  std::vector<bool> Connected() const;
  // One line per engine, in the config's order (see DescribeEngine).
  std::vector<std::string> StatusLines() const;

 private:
  std::vector<std::unique_ptr<libcontainer::ContainerEngine>> engines_;
  std::vector<EngineSockets> sockets_;  // parallel to engines_
  bool stopped_ = false;
};

}  // namespace container_watch
