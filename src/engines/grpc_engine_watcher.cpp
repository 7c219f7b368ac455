#include "engines/grpc_engine_watcher.h"

#include <algorithm>
#include <utility>

namespace libcontainer {
namespace {

using Clock = std::chrono::steady_clock;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    default:
      return nullptr;
  }
}

// Transport trouble rather than an answer about the container.
bool IsUnreachable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED;
}

}  // namespace

std::string DescribeStatus(const grpc::Status& status) {
  const char* name = CodeName(status.error_code());
  std::string text = name != nullptr ? name : "gRPC code " + std::to_string(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

GrpcEngineWatcher::GrpcEngineWatcher(std::string name, const Logger& logger, EngineTiming timing)
    : name_(std::move(name)), logger_(logger), timing_(timing) {}

GrpcEngineWatcher::~GrpcEngineWatcher() {
  Stop();
}

void GrpcEngineWatcher::Start(ContainerSink& sink, const std::vector<std::string>& sockets,
                              const SessionFactory& factory) {
  std::lock_guard lock(mu_);
  if (started_ || stop_.load()) return;
  started_ = true;
  sink_ = &sink;
  for (const std::string& socket : sockets) {
    if (std::any_of(slots_.begin(), slots_.end(),
                    [&](const auto& s) { return s->session->socket() == socket; }))
      continue;
    auto slot = std::make_unique<Slot>();
    slot->session = factory(socket);
    slots_.push_back(std::move(slot));
  }
  for (const auto& slot : slots_) {
    Slot* raw = slot.get();
    raw->thread = std::thread([this, raw] { RunSession(*raw); });
  }
  lookup_thread_ = std::thread([this] { RunLookups(); });
}

void GrpcEngineWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_.store(true);
    for (const auto& slot : slots_) slot->session->Cancel();
  }
  cv_.notify_all();
  for (const auto& slot : slots_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
  if (lookup_thread_.joinable()) lookup_thread_.join();
}

bool GrpcEngineWatcher::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, duration, [this] { return stop_.load(); });
}

void GrpcEngineWatcher::InspectFailed(std::string_view id, const grpc::Status& status) {
  if (stop_.load()) return;
  counters_.inspect_errors.fetch_add(1);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    // Removed between the list (or event) and the inspect: common, harmless.
    if (logger_.Enabled(LogLevel::kDebug)) {
      logger_.Debug(name_ + ": " + std::string(id) + " is gone: " + DescribeStatus(status));
    }
  } else if (IsUnreachable(status.error_code())) {
    logger_.Warning(name_ + ": cannot inspect " + std::string(id) + ": " + DescribeStatus(status));
  } else {
    logger_.Warning(name_ + ": skipping container " + std::string(id) + ": " + DescribeStatus(status));
  }
}

void GrpcEngineWatcher::ReportRemoved(ContainerType type, const std::string& full_id) {
  ContainerInfo removed;
  removed.type = type;
  removed.full_id = full_id;
  removed.id = std::string(ShortId(full_id));
  sink_->OnContainerRemoved(removed);
}

void GrpcEngineWatcher::MarkInitialDone(Slot& slot) {
  {
    std::lock_guard lock(mu_);
    if (slot.initial_done) return;
    slot.initial_done = true;
  }
  cv_.notify_all();
}

bool GrpcEngineWatcher::WaitForInitialList(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto all_done = [this] {
    return started_ &&
           std::all_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->initial_done; });
  };
  cv_.wait_for(lock, timeout, [&] { return stop_.load() || all_done(); });
  return all_done();
}

ContainerEngine::Stats GrpcEngineWatcher::stats() const {
  ContainerEngine::Stats stats;
  counters_.CopyTo(&stats);
  std::lock_guard lock(mu_);
  stats.connected =
      std::any_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->connected.load(); });
  stats.last_error = last_error_;
  return stats;
}

void GrpcEngineWatcher::RunSession(Slot& slot) {
  EngineSession& session = *slot.session;
  bool failed_before = false;    // a later success counts as a reconnect
  bool up = false;               // listed and following
  bool outage_reported = false;  // one log line per outage, not per retry
  Clock::time_point up_since;
  std::chrono::milliseconds backoff = timing_.backoff_initial;

  auto listed = [&](std::string_view summary) {
    if (failed_before) counters_.reconnects.fetch_add(1);
    up = true;
    outage_reported = false;
    up_since = Clock::now();
    slot.connected.store(true);
    logger_.Info(name_ + ": connected to " + session.socket() + " (" + std::string(summary) + ")");
    {
      std::lock_guard lock(mu_);
      const bool all_connected =
          std::all_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->connected.load(); });
      if (all_connected) last_error_.clear();
    }
    MarkInitialDone(slot);
  };

  while (!stop_.load()) {
    const std::string error = session.Follow(listed);
    if (stop_.load()) break;
    {
      std::lock_guard lock(mu_);
      last_error_ = error;
    }
    slot.connected.store(false);
    const bool was_up = std::exchange(up, false);
    failed_before = true;
    // A connection that lasted is a fresh outage: retry quickly. One that
    // flaps keeps backing off.
    if (was_up && Clock::now() - up_since >= timing_.backoff_max) backoff = timing_.backoff_initial;
    MarkInitialDone(slot);
    if (!outage_reported) {
      outage_reported = true;
      if (was_up) {
        logger_.Warning(name_ + ": connection lost: " + error + "; reconnecting");
      } else {
        // Most hosts lack some of the default sockets: not worth a warning.
        logger_.Info(name_ + ": " + error + "; retrying in the background");
      }
    } else if (logger_.Enabled(LogLevel::kDebug)) {
      logger_.Debug(name_ + ": still unreachable: " + error);
    }
    if (!SleepUnlessStopped(backoff)) break;
    backoff = std::min(backoff * 2, timing_.backoff_max);
  }
  slot.connected.store(false);
}

void GrpcEngineWatcher::RequestLookup(std::string_view id) {
  if (id.empty()) return;
  counters_.lookups.fetch_add(1);
  {
    std::lock_guard lock(mu_);
    if (stop_.load()) return;
    std::string key(id);
    if (pending_ids_.count(key) != 0) return;
    if (pending_ids_.size() >= timing_.lookup_queue_capacity) {
      counters_.lookup_failures.fetch_add(1);
      return;
    }
    pending_ids_.insert(key);
    pending_.push_back(PendingLookup{std::move(key), 0, Clock::now(), timing_.lookup_retry_initial});
  }
  cv_.notify_all();
}

void GrpcEngineWatcher::RunLookups() {
  std::unique_lock lock(mu_);
  while (!stop_.load()) {
    if (pending_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto next =
        std::min_element(pending_.begin(), pending_.end(),
                         [](const PendingLookup& a, const PendingLookup& b) { return a.due < b.due; });
    if (next->due > Clock::now()) {
      cv_.wait_until(lock, next->due);
      continue;
    }
    PendingLookup item = std::move(*next);
    pending_.erase(next);
    std::vector<EngineSession*> targets;
    for (const auto& slot : slots_) {
      if (slot->connected.load()) targets.push_back(slot->session.get());
    }
    lock.unlock();
    ContainerInfo info;
    const bool found = LookupOnce(item.id, targets, &info);
    if (found) sink_->OnContainer(info);
    lock.lock();
    if (found || stop_.load()) {
      pending_ids_.erase(item.id);
      continue;
    }
    if (++item.attempts >= timing_.lookup_attempts) {
      pending_ids_.erase(item.id);
      counters_.lookup_failures.fetch_add(1);
      if (logger_.Enabled(LogLevel::kDebug)) logger_.Debug(name_ + ": gave up looking up " + item.id);
      continue;
    }
    item.due = Clock::now() + item.delay;
    item.delay *= 2;
    pending_.push_back(std::move(item));
  }
}

bool GrpcEngineWatcher::LookupOnce(const std::string& id, const std::vector<EngineSession*>& targets,
                                   ContainerInfo* info) {
  for (EngineSession* session : targets) {
    std::string error;
    switch (session->Lookup(id, info, &error)) {
      case EngineSession::LookupResult::kFound:
        return true;
      case EngineSession::LookupResult::kNotFound:
        break;
      case EngineSession::LookupResult::kError:
        if (stop_.load()) return false;
        counters_.inspect_errors.fetch_add(1);
        if (logger_.Enabled(LogLevel::kDebug)) logger_.Debug(name_ + ": lookup of " + id + ": " + error);
        break;
    }
  }
  return false;
}

}  // namespace libcontainer
