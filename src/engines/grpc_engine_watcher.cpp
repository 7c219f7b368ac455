#include "engines/grpc_engine_watcher.h"

#include <algorithm>
#include <utility>

#include "engines/reconnect_policy.h"

namespace libcontainer {
namespace {

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
  pipeline_.Start(sink, [this](const std::string& id, size_t) {
    ContainerInfo info;
    if (!LookUp(id, &info)) return InspectPipeline::Result{std::nullopt, /*retry=*/true};
    return InspectPipeline::Result{std::move(info), /*retry=*/false};
  });
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
  // Its calls in progress end at once: Cancel() cancelled them.
  pipeline_.Stop();
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

void GrpcEngineWatcher::InspectLater(const std::string& id,
                                     std::function<grpc::Status(ContainerInfo* info)> inspect) {
  pipeline_.Inspect(id, [this, inspect = std::move(inspect)](const std::string& target, size_t) {
    ContainerInfo info;
    const grpc::Status status = inspect(&info);
    if (status.ok()) return InspectPipeline::Result{std::move(info), /*retry=*/false};
    InspectFailed(target, status);
    // A retry only happens when an on-demand lookup of the id merged into this.
    return InspectPipeline::Result{std::nullopt, /*retry=*/true};
  });
}

void GrpcEngineWatcher::ReportRemoved(ContainerType type, const std::string& full_id) {
  ContainerInfo removed;
  removed.type = type;
  removed.full_id = full_id;
  removed.id = std::string(ShortId(full_id));
  pipeline_.Removed(removed);
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
  for (const auto& slot : slots_) {
    if (slot->connected.load()) {
      stats.connected = true;
    } else {
      stats.AddSocketError(slot->last_error);
    }
  }
  return stats;
}

void GrpcEngineWatcher::RunSession(Slot& slot) {
  EngineSession& session = *slot.session;
  ReconnectPolicy policy(name_, logger_, timing_, counters_);
  auto listed = [&](std::string_view summary) {
    policy.Connected(session.socket() + " (" + std::string(summary) + ")");
    slot.connected.store(true);
    {
      std::lock_guard lock(mu_);
      slot.last_error.clear();
    }
    MarkInitialDone(slot);
  };
  while (!stop_.load()) {
    const std::string error = session.Follow(listed);
    if (stop_.load()) break;
    {
      std::lock_guard lock(mu_);
      slot.last_error = error;
    }
    slot.connected.store(false);
    MarkInitialDone(slot);
    if (!SleepUnlessStopped(policy.Disconnected(error))) break;
  }
  slot.connected.store(false);
}

void GrpcEngineWatcher::RequestLookup(std::string_view id) {
  pipeline_.Lookup(id);
}

bool GrpcEngineWatcher::LookUp(const std::string& id, ContainerInfo* info) {
  std::vector<EngineSession*> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& slot : slots_) {
      if (slot->connected.load()) targets.push_back(slot->session.get());
    }
  }
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
