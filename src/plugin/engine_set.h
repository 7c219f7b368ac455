// The engine watchers of one plugin instance.
//
// They are built at init, so that config mistakes fail it, started with the
// async event handler (their records travel as async events) and stopped
// before that handler goes away. Lookups of unknown containers fan out to all
// of them, as the id alone does not say which engine runs the container.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "core/logger.h"
#include "engines/container_engine.h"
#include "plugin/metrics_table.h"

namespace libcontainer {

class EngineSet {
 public:
  EngineSet(std::vector<std::unique_ptr<ContainerEngine>> engines, const Logger& logger);
  ~EngineSet();
  EngineSet(const EngineSet&) = delete;
  EngineSet& operator=(const EngineSet&) = delete;

  // Both idempotent. Stop() joins every watcher thread.
  void Start(ContainerSink& sink);
  void Stop();
  bool running() const { return running_; }

  // Asks every engine for a container by id; a no-op while stopped, when no
  // watcher could answer.
  void RequestLookup(std::string_view id);

  // Live capture: lets the engines' initial listings finish (all of them
  // within `timeout`, 0 = no bound) so the first events already see the
  // containers that existed before; logs which engines are still listing.
  void AwaitInitialListings(std::chrono::seconds timeout);

  // Adds n_<engine>_<stat> rows for every engine, read from one stats()
  // snapshot per engine and collection.
  void AddMetrics(MetricsTable& metrics);

 private:
  std::vector<std::unique_ptr<ContainerEngine>> engines_;
  std::vector<ContainerEngine::Stats> stats_;
  const Logger& logger_;
  bool running_ = false;
};

}  // namespace libcontainer
