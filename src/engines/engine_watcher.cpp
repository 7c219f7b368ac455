#include "engines/engine_watcher.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

#include "engines/reconnect_policy.h"

namespace libcontainer {
namespace {

// Events remembered as handled: far more than arrive while the slower of two
// paths (podman's API stream polls its events file) catches up.
constexpr size_t kHandledEventsMemory = 1024;

bool HasLabelOver(const ContainerInfo& info, uint32_t max_len) {
  return std::any_of(info.labels.begin(), info.labels.end(),
                     [max_len](const auto& label) { return label.second.size() > max_len; });
}

// The watcher and slot whose session runs on this thread (see CallingSlot).
thread_local const void* t_session_watcher = nullptr;
thread_local void* t_session_slot = nullptr;

}  // namespace

EngineWatcher::EngineWatcher(Options options, std::vector<std::string> sockets, const PluginConfig& config,
                             const Logger& logger, EngineTiming timing)
    : options_(std::move(options)),
      sockets_(std::move(sockets)),
      decode_options_{config.label_max_len, config.with_size},
      hooks_(config.hooks),
      logger_(logger),
      timing_(timing),
      handled_(kHandledEventsMemory),
      listed_unanswered_(logger, options_.name, "unanswered inspects of listed containers",
                         timing.repeated_warning_interval) {}

EngineWatcher::~EngineWatcher() {
  EngineWatcher::Stop();
}

void EngineWatcher::Start(ContainerSink& sink) {
  std::lock_guard lock(mu_);
  if (started_ || stop_.load()) return;
  started_ = true;
  sink_ = &sink;
  sockets_pending_ = options_.more_sockets_coming;
  for (const std::string& socket : sockets_) StartSessionLocked(socket);
  pipeline_.Start(policy_sink_, [this](const std::string& id, size_t worker) {
    std::optional<ContainerInfo> found = LookUp(id, worker);
    const bool retry = !found.has_value();
    return InspectPipeline::Result{std::move(found), retry};
  });
  if (timing_.reconcile_interval.count() > 0) reconciler_ = std::thread([this] { RunReconciler(); });
}

void EngineWatcher::AddSocket(const std::string& socket) {
  std::lock_guard lock(mu_);
  if (!started_ || stop_.load()) return;
  StartSessionLocked(socket);
}

void EngineWatcher::StartSessionLocked(const std::string& socket) {
  for (const auto& slot : slots_) {
    if (slot->session->socket() == socket) return;
  }
  auto slot = std::make_unique<Slot>();
  slot->session = MakeSession(socket);
  Slot* raw = slot.get();
  slots_.push_back(std::move(slot));
  raw->thread = std::thread([this, raw] { RunSession(*raw); });
}

void EngineWatcher::InitialSocketsKnown() {
  {
    std::lock_guard lock(mu_);
    sockets_pending_ = false;
  }
  cv_.notify_all();
}

void EngineWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_.store(true);
    for (const auto& slot : slots_) slot->session->Cancel();
  }
  cv_.notify_all();
  // Its list in flight ends at once: the sessions were cancelled.
  if (reconciler_.joinable()) reconciler_.join();
  // No session is added once stop_ is set, so the list is stable.
  for (const auto& slot : slots_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
  // Its attempts in progress end at once: the sessions were cancelled.
  pipeline_.Stop();
}

bool EngineWatcher::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, duration, [this] { return stop_.load(); });
}

void EngineWatcher::MarkInitialDone(Slot& slot) {
  {
    std::lock_guard lock(mu_);
    if (slot.initial_done) return;
    slot.initial_done = true;
  }
  cv_.notify_all();
}

bool EngineWatcher::WaitForInitialList(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto all_done = [this] {
    if (!started_ || sockets_pending_) return false;
    return std::all_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->initial_done; });
  };
  cv_.wait_for(lock, timeout, [&] { return stop_.load() || all_done(); });
  return all_done();
}

ContainerEngine::Stats EngineWatcher::stats() const {
  ContainerEngine::Stats stats;
  counters_.CopyTo(&stats);
  stats.inspects_queued = pipeline_.queued();
  stats.containers_known = shown_.size();
  stats.events_remembered = handled_.size();
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

void EngineWatcher::RunSession(Slot& slot) {
  t_session_watcher = this;
  t_session_slot = &slot;
  EngineSession& session = *slot.session;
  ReconnectPolicy policy(options_.name, logger_, timing_, counters_);
  auto listed = [&](std::string_view summary) {
    ReportGoneWhileDown(slot);
    policy.Connected(session.socket() + " (" + std::string(summary) + ")");
    slot.connected.store(true);
    bool inspected = false;
    {
      std::lock_guard lock(mu_);
      slot.last_error.clear();
      slot.listed_called = true;
      inspected = slot.listed_inspects == 0;
    }
    if (inspected) MarkInitialDone(slot);
  };
  while (!stop_.load()) {
    {
      std::lock_guard lock(mu_);
      slot.answered = false;
      slot.listed_called = false;
    }
    slot.listing = true;
    const std::string error = session.Follow(listed);
    // A listing cut short says nothing about what went away.
    slot.listing = false;
    slot.listed = {};
    if (stop_.load()) break;
    bool listing_over = true;
    {
      std::lock_guard lock(mu_);
      slot.last_error = error;
      // An engine that answered and then broke off its first listing (it
      // restarted, or an answer came too late) is most likely back at once:
      // counted as unreachable, its socket would let a capture start without
      // its containers. One more attempt keeps the wait bounded.
      if (slot.answered && !slot.initial_done && !slot.listing_retried) {
        slot.listing_retried = true;
        listing_over = false;
      }
    }
    slot.connected.store(false);
    if (listing_over) MarkInitialDone(slot);
    if (!SleepUnlessStopped(policy.Disconnected(error))) break;
  }
  slot.connected.store(false);
}

EngineWatcher::Slot* EngineWatcher::CallingSlot() const {
  return t_session_watcher == this ? static_cast<Slot*>(t_session_slot) : nullptr;
}

void EngineWatcher::Credit(Slot& slot, const std::string& id, ContainerType type) {
  if (id.empty()) return;
  if (slot.listing) {
    slot.listed.insert_or_assign(id, type);
  } else {
    shown_.Shown(&slot, id, type);
  }
}

void EngineWatcher::Report(const ContainerInfo& info) {
  if (Slot* slot = CallingSlot(); slot != nullptr) Credit(*slot, info.full_id, info.type);
  policy_sink_.OnContainer(info);
}

bool EngineWatcher::HandleEvent(const EngineEvent& event, ContainerType type, std::string_view source,
                                InspectAttempt inspect) {
  if (event.id.empty() || stop_.load()) return false;
  if (logger_.Enabled(LogLevel::kDebug)) {
    logger_.Debug(options_.name + ": event " + EventKindName(event.kind) + " " + event.id + " " +
                  std::string(source));
  }
  switch (event.kind) {
    case EngineEvent::Kind::kCreate:
    case EngineEvent::Kind::kStart: {
      // From a session's own stream: its socket has the container.
      if (Slot* slot = CallingSlot(); slot != nullptr) Credit(*slot, event.id, type);
      const uint32_t hook = event.kind == EngineEvent::Kind::kCreate ? kHookCreate : kHookStart;
      if ((hooks_ & hook) == 0) return false;
      if (options_.deduplicate_events && !handled_.Claim(event)) return false;
      ReportFromEvent(event, type);
      const bool queued = pipeline_.Inspect(
          event.id, [this, event, inspect = std::move(inspect)](const std::string&, size_t worker) {
            return InspectForEvent(event, inspect, worker);
          });
      // Another copy of the event may still get the full record.
      if (!queued && options_.deduplicate_events) handled_.Release(event);
      return true;
    }
    case EngineEvent::Kind::kRemove: {
      shown_.Removed(event.id);
      if (options_.deduplicate_events && !handled_.Claim(event)) return false;
      ContainerInfo removed;
      removed.type = type;
      removed.full_id = event.id;
      removed.id = std::string(ShortId(event.id));
      pipeline_.Removed(removed);
      return true;
    }
    case EngineEvent::Kind::kDie:  // a stopped container is still there
    case EngineEvent::Kind::kOther:
      break;
  }
  return false;
}

void EngineWatcher::ReportFromEvent(const EngineEvent& event, ContainerType type) {
  if (event.name.empty() && event.image.empty()) return;
  ContainerInfo info;
  info.type = type;
  info.full_id = event.id;
  info.id = std::string(ShortId(event.id));
  info.name = event.name;
  info.image = event.image;
  ImageReference ref = ParseImageReference(info.image);
  info.image_repo = std::move(ref.repository);
  info.image_tag = std::move(ref.tag);
  info.image_digest = std::move(ref.digest);
  info.labels = event.labels;
  Report(info);
}

InspectPipeline::Result EngineWatcher::InspectForEvent(const EngineEvent& event,
                                                       const InspectAttempt& inspect, size_t worker) {
  InspectPipeline::Result result = inspect ? TryInspect(event.id, inspect, worker)
                                           : InspectPipeline::Result{LookUp(event.id, worker), true};
  if (!result.info && options_.deduplicate_events) {
    // Another copy of the event may still get the full record.
    handled_.Release(event);
    if (logger_.Enabled(LogLevel::kDebug)) {
      logger_.Debug(options_.name + ": " + event.id + " not inspected; its event may be handled again");
    }
  } else if (result.info && options_.deduplicate_events) {
    // Claimed again: an earlier attempt may have released it, and a copy of
    // the event read from now on (the stream replayed after a reconnect) was
    // handled twice, its container reported again from the event.
    handled_.Claim(event);
  }
  result.retry = result.retry && !result.info;
  return result;
}

InspectPipeline::Result EngineWatcher::TryInspect(std::string_view id, const InspectAttempt& inspect,
                                                  size_t worker) {
  ContainerInfo found;
  std::string error;
  const InspectOutcome outcome = inspect(worker, &found, &error);
  if (outcome == InspectOutcome::kFound) return {std::move(found), false};
  InspectFailed(id, outcome, error);
  // Only an engine that did not answer (or not yet knows the container) is
  // worth asking again; a bad answer stays bad.
  return {std::nullopt, outcome == InspectOutcome::kUnreachable || outcome == InspectOutcome::kNotFound};
}

void EngineWatcher::InspectListed(std::vector<ListedContainer> listed) {
  Slot* slot = CallingSlot();
  auto listing = std::make_shared<Listing>();
  listing->slot = slot;
  listing->containers.reserve(listed.size());
  std::vector<std::pair<std::string, InspectPipeline::Attempt>> attempts;
  attempts.reserve(listed.size());
  for (ListedContainer& container : listed) {
    if (slot != nullptr) Credit(*slot, container.id, container.type);
    auto state = std::make_shared<ListedState>();
    state->container = std::move(container);
    listing->containers.push_back(state);
    // The attempt's copies share the state; one worker at a time tries it.
    attempts.emplace_back(state->container.id, [this, listing, state](const std::string&, size_t worker) {
      return InspectListedOne(*listing, *state, worker);
    });
  }
  if (slot != nullptr) {
    listing->socket = slot->session->socket();
    std::lock_guard lock(mu_);
    ++slot->listed_inspects;
  }
  pipeline_.InspectListed(std::move(attempts), [this, listing] {
    LogListingInspected(*listing);
    ListingEnded(*listing);
    ReleaseListing(*listing);
  });
}

void EngineWatcher::ReleaseListing(Listing& listing) {
  // Listing thousands of containers leaves megabytes freed but kept by the
  // allocator, in holes between the records that stay (answers, parsed
  // documents, the listing's own state, over the workers' arenas): Falco's
  // process would hold them for good. RSS per listed container, 10,000
  // docker / CRI containers: 3.5 / 5.9 KB before, 2.2 / 4.8 KB after
  // (bench/engines/listing_scale_bench).
  constexpr size_t kTrimAfter = 1000;
  const size_t listed = listing.containers.size();
  listing.containers = {};  // their inspect state (a CRI listing's pods too)
  if (listed >= kTrimAfter) ::malloc_trim(0);
}

void EngineWatcher::LogListingInspected(const Listing& listing) {
  if (listing.containers.empty() || stop_.load()) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - listing.started).count();
  char took[32];
  std::snprintf(took, sizeof(took), "%.2f s", seconds);
  std::string line = options_.name + ": the " + std::to_string(listing.containers.size()) +
                     " containers listed" + (listing.socket.empty() ? "" : " on " + listing.socket) +
                     " are inspected, in " + took;
  if (const size_t gone = listing.gone.load(); gone > 0) {
    line += "; " + std::to_string(gone) + " went away before their inspect";
  }
  if (const size_t unusable = listing.unusable.load(); unusable > 0) {
    line += "; " + std::to_string(unusable) + " answered unusably, kept as listed";
  }
  if (listing.unanswered.load()) line += "; the engine did not answer for a while meanwhile";
  logger_.Info(line);
}

void EngineWatcher::ListingEnded(Listing& listing) {
  if (listing.ended.exchange(true) || listing.slot == nullptr) return;
  Slot& slot = *listing.slot;
  bool done = false;
  {
    std::lock_guard lock(mu_);
    --slot.listed_inspects;
    done = slot.listed_inspects == 0 && slot.listed_called;
  }
  listed_unanswered_.Flush();
  if (done) MarkInitialDone(slot);
}

InspectPipeline::Result EngineWatcher::InspectListedOne(Listing& listing, ListedState& state, size_t worker) {
  const ListedContainer& listed = state.container;
  ContainerInfo found;
  std::string error;
  const InspectOutcome outcome = listed.inspect(worker, &found, &error);
  switch (outcome) {
    case InspectOutcome::kFound:
      return {std::move(found), false};
    case InspectOutcome::kStopped:
      return {};
    case InspectOutcome::kNotFound:  // removed since the list
      listing.gone.fetch_add(1);
      InspectFailed(listed.id, outcome, error);
      return {};
    case InspectOutcome::kBadResponse:
      // It will not get better: the list's facts are all there is.
      listing.unusable.fetch_add(1);
      InspectFailed(listed.id, outcome, error);
      if (listed.facts && !state.facts_reported.exchange(true)) return {*listed.facts, false};
      return {};
    case InspectOutcome::kUnreachable:
      break;
  }
  if (stop_.load()) return {};  // the cancelled calls of a stop
  counters_.inspect_errors.fetch_add(1);
  if (listing.unanswered.exchange(true)) {
    listed_unanswered_.Note([&] {
      return options_.name + ": cannot inspect " + listed.id + ", listed: " + error + "; trying again";
    });
  } else {
    ReportListingFromList(listing, listed.id, error);
  }
  return {std::nullopt, true};
}

void EngineWatcher::ReportListingFromList(Listing& listing, const std::string& id, const std::string& error) {
  size_t reported = 0;
  for (const auto& state : listing.containers) {
    const ListedContainer& listed = state->container;
    if (!listed.facts || state->facts_reported.exchange(true)) continue;
    // Only those still queued: inspected, or removed, they need no stopgap.
    if (pipeline_.ReportStopgap(listed.id, *listed.facts)) ++reported;
  }
  logger_.Warning(
      options_.name + ": cannot inspect " + id + " listed on " + listing.socket + ": " + error +
      "; reporting the " + std::to_string(reported) +
      " listed containers not inspected yet from the list, and inspecting them in the background");
  ListingEnded(listing);
}

void EngineWatcher::Answered(const EngineSession& session) {
  std::lock_guard lock(mu_);
  for (const auto& slot : slots_) {
    if (slot->session.get() == &session) slot->answered = true;
  }
}

void EngineWatcher::InspectFailed(std::string_view id, InspectOutcome outcome, const std::string& error) {
  // A listed container that did not answer, or answered something unusable,
  // counts as listed all the same: only "not found" says it went away.
  if (outcome == InspectOutcome::kUnreachable || outcome == InspectOutcome::kBadResponse) {
    if (Slot* slot = CallingSlot(); slot != nullptr && slot->listing) {
      slot->listed.try_emplace(std::string(id), ContainerType::kUnknown);
    }
  }
  switch (outcome) {
    case InspectOutcome::kFound:
    case InspectOutcome::kStopped:
      return;
    case InspectOutcome::kNotFound:
      // Removed between the list (or event) and the inspect: common, harmless.
      counters_.inspect_errors.fetch_add(1);
      if (logger_.Enabled(LogLevel::kDebug)) {
        logger_.Debug(options_.name + ": " + std::string(id) + " is gone: " + error);
      }
      return;
    case InspectOutcome::kUnreachable:
      if (stop_.load()) return;  // the cancelled calls of a stop
      counters_.inspect_errors.fetch_add(1);
      logger_.Warning(options_.name + ": cannot inspect " + std::string(id) + ": " + error);
      return;
    case InspectOutcome::kBadResponse:
      // Not worded "skipping": the container may still be reported from what
      // its event (or its listing) said.
      counters_.inspect_errors.fetch_add(1);
      logger_.Warning(options_.name + ": unusable inspect of container " + std::string(id) + ": " + error);
      return;
  }
}

void EngineWatcher::RequestLookup(std::string_view id) {
  pipeline_.Lookup(id);
}

std::vector<EngineWatcher::Slot*> EngineWatcher::ConnectedSlots() const {
  std::lock_guard lock(mu_);
  std::vector<Slot*> slots;
  for (const auto& slot : slots_) {
    if (slot->connected.load()) slots.push_back(slot.get());
  }
  return slots;
}

std::optional<ContainerInfo> EngineWatcher::LookUp(const std::string& id, size_t worker) {
  for (Slot* slot : ConnectedSlots()) {
    ContainerInfo info;
    std::string error;
    switch (slot->session->Lookup(id, worker, &info, &error)) {
      case InspectOutcome::kFound:
        // Not on the slot's thread: owned from now on, whatever its listing.
        shown_.Shown(slot, info.full_id, info.type);
        return info;
      case InspectOutcome::kStopped:
        return std::nullopt;
      case InspectOutcome::kNotFound:
        break;
      case InspectOutcome::kBadResponse:
        counters_.inspect_errors.fetch_add(1);
        logger_.Warning(options_.name + ": lookup of " + id + ": " + error);
        break;
      case InspectOutcome::kUnreachable:
        if (stop_.load()) return std::nullopt;
        counters_.inspect_errors.fetch_add(1);
        if (logger_.Enabled(LogLevel::kDebug))
          logger_.Debug(options_.name + ": lookup of " + id + ": " + error);
        break;
    }
  }
  return std::nullopt;
}

void EngineWatcher::PolicySink::OnContainer(const ContainerInfo& info) {
  const uint32_t max_len = watcher_.decode_options_.label_max_len;
  if (!HasLabelOver(info, max_len)) {
    watcher_.sink_->OnContainer(info);
    return;
  }
  ContainerInfo kept = info;
  kept.labels.erase_if([max_len](const auto& label) { return label.second.size() > max_len; });
  watcher_.sink_->OnContainer(kept);
}

void EngineWatcher::PolicySink::OnContainerRemoved(const ContainerInfo& info) {
  watcher_.sink_->OnContainerRemoved(info);
}

}  // namespace libcontainer
