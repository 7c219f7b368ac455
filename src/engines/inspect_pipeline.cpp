#include "engines/inspect_pipeline.h"

#include <algorithm>
#include <utility>

namespace libcontainer {

using Clock = std::chrono::steady_clock;

InspectPipeline::InspectPipeline(std::string engine, const Logger& logger, const EngineTiming& timing,
                                 EngineCounters& counters)
    : engine_(std::move(engine)), logger_(logger), timing_(timing), counters_(counters) {}

InspectPipeline::~InspectPipeline() {
  Stop();
}

void InspectPipeline::Start(ContainerSink& sink, Attempt lookup) {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  sink_ = &sink;
  lookup_ = std::move(lookup);
  const size_t count = std::max<size_t>(timing_.inspect_workers, 1);
  for (size_t worker = 0; worker < count; ++worker) workers_.emplace_back([this, worker] { Run(worker); });
}

void InspectPipeline::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  // No worker is added once stopping_ is set, so the list is stable.
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

bool InspectPipeline::Inspect(std::string_view id, Attempt attempt) {
  if (id.empty()) return false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (!EnqueueLocked(id, std::move(attempt), /*lookup=*/false)) {
      counters_.inspect_errors.fetch_add(1);
      logger_.Warning(engine_ + ": " + std::to_string(timing_.inspect_queue_capacity) +
                      " inspects queued; not inspecting " + std::string(id));
      return false;
    }
  }
  cv_.notify_one();
  return true;
}

void InspectPipeline::Lookup(std::string_view id) {
  if (id.empty()) return;
  counters_.lookups.fetch_add(1);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    // The attempt is lookup_, set by Start; a lookup queued before Start
    // waits for it, as no worker runs until then.
    if (!EnqueueLocked(id, nullptr, /*lookup=*/true)) {
      counters_.lookup_failures.fetch_add(1);
      return;
    }
  }
  cv_.notify_one();
}

bool InspectPipeline::EnqueueLocked(std::string_view id, Attempt attempt, bool lookup) {
  const int attempts = lookup ? timing_.lookup_attempts : timing_.event_inspect_attempts;
  const auto now = Clock::now();
  const std::string key(id);
  // Asked for while waiting in the listing lane: it goes first now, and ends
  // for its listing with this request.
  if (const auto listed = listed_.find(key); listed != listed_.end()) PromoteLocked(listed);
  const auto found = entries_.find(key);
  if (found != entries_.end()) {
    Entry& entry = found->second;
    // Merged: the entry keeps its attempt, and does what either request asked.
    if (entry.removed) return true;  // the container is gone
    entry.attempts_left = std::max(entry.attempts_left, attempts);
    if (lookup && !entry.lookup) {
      entry.lookup = true;
      ++lookups_;
    }
    if (!entry.in_flight) entry.due = std::min(entry.due, now);
    return true;
  }
  const size_t held = lookup ? lookups_ : entries_.size() - lookups_;
  if (held >= (lookup ? timing_.lookup_queue_capacity : timing_.inspect_queue_capacity)) return false;
  Entry entry = DueNow(std::move(attempt), attempts);
  entry.lookup = lookup;
  entries_.emplace(key, std::move(entry));
  if (lookup) ++lookups_;
  return true;
}

InspectPipeline::Entry InspectPipeline::DueNow(Attempt attempt, int attempts) const {
  Entry entry;
  entry.attempt = std::move(attempt);
  entry.attempts_left = attempts;
  entry.due = Clock::now();
  entry.delay = timing_.lookup_retry_initial;
  return entry;
}

void InspectPipeline::InspectListed(std::vector<std::pair<std::string, Attempt>> listed,
                                    std::function<void()> done) {
  auto batch = std::make_shared<ListingBatch>();
  batch->done = std::move(done);
  Finished finished;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    // One more until every container is queued, so that the batch cannot end
    // half-way through.
    batch->left = 1;
    for (auto& item : listed) {
      const std::string& id = item.first;
      if (id.empty()) continue;
      if (const auto entry = entries_.find(id); entry != entries_.end()) {
        // Already asked for: the listing waits for that attempt, unless
        // another listing does (or the container is gone).
        if (entry->second.removed || entry->second.batch) continue;
        entry->second.batch = batch;
        ++listed_entries_;
        ++batch->left;
        continue;
      }
      const auto [it, added] = listed_.try_emplace(id);
      if (added) {
        lane_.push_back(id);
      } else {
        // Listed again (a new listing after a reconnect): this one waits for it.
        EndedLocked(it->second.batch, &finished);
      }
      it->second = Listed{std::move(item.second), batch};
      ++batch->left;
    }
    EndedLocked(batch, &finished);
  }
  cv_.notify_all();
  Tell(finished);
}

bool InspectPipeline::ReportStopgap(const std::string& id, const ContainerInfo& info) {
  std::lock_guard report_lock(report_mu_);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (listed_.count(id) == 0) {
      const auto entry = entries_.find(id);
      if (entry == entries_.end() || entry->second.removed) return false;
    }
  }
  sink_->OnContainer(info);
  return true;
}

void InspectPipeline::PromoteLocked(std::unordered_map<std::string, Listed>::iterator listed) {
  Entry entry = DueNow(std::move(listed->second.attempt), timing_.event_inspect_attempts);
  entry.batch = std::move(listed->second.batch);
  ++listed_entries_;
  entries_.emplace(listed->first, std::move(entry));
  listed_.erase(listed);
}

bool InspectPipeline::PromoteListedLocked() {
  if (listed_entries_ >= std::max<size_t>(timing_.inspect_workers, 1)) return false;
  while (!lane_.empty()) {
    const std::string id = std::move(lane_.front());
    lane_.pop_front();
    const auto listed = listed_.find(id);
    if (listed == listed_.end()) continue;  // asked for or removed since
    PromoteLocked(listed);
    return true;
  }
  return false;
}

void InspectPipeline::EndedLocked(const BatchPtr& batch, Finished* finished) {
  if (batch && --batch->left == 0 && batch->done) finished->push_back(std::move(batch->done));
}

void InspectPipeline::Tell(const Finished& finished) {
  for (const auto& done : finished) done();
}

InspectPipeline::Entries::iterator InspectPipeline::NextLocked() {
  auto next = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.in_flight) continue;
    if (next == entries_.end() || it->second.due < next->second.due) next = it;
  }
  return next;
}

void InspectPipeline::Run(size_t worker) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto next = NextLocked();
    // The lane's containers wait for every attempt that is due.
    const bool idle = next == entries_.end() || next->second.due > Clock::now();
    if (idle && PromoteListedLocked()) continue;
    if (next == entries_.end()) {
      cv_.wait(lock);
      continue;
    }
    // A copy: the entry may go while the lock is released.
    const Clock::time_point due = next->second.due;
    if (due > Clock::now()) {
      cv_.wait_until(lock, due);
      continue;
    }
    next->second.in_flight = true;
    const std::string id = next->first;
    // A copy: merging may not replace it, but the map may rehash meanwhile.
    const Attempt attempt = next->second.attempt ? next->second.attempt : lookup_;
    lock.unlock();
    Result result = attempt(id, worker);
    Finish(id, std::move(result));
    lock.lock();
  }
}

void InspectPipeline::Finish(const std::string& id, Result result) {
  Finished finished;
  {
    std::lock_guard report_lock(report_mu_);
    if (FinishLocked(id, result, &finished)) sink_->OnContainer(*result.info);
  }
  // Another worker may be waiting for a later due time than this entry's.
  cv_.notify_all();
  Tell(finished);
}

bool InspectPipeline::FinishLocked(const std::string& id, const Result& result, Finished* finished) {
  std::lock_guard lock(mu_);
  // In-flight entries are erased only here.
  const auto it = entries_.find(id);
  Entry& entry = it->second;
  entry.in_flight = false;
  const bool report = result.info.has_value() && !entry.removed && !stopping_;
  const bool again = !report && result.retry && !entry.removed && !stopping_ && --entry.attempts_left > 0;
  if (again) {
    entry.due = Clock::now() + entry.delay;
    entry.delay *= 2;
    return false;
  }
  if (entry.lookup) {
    --lookups_;
    if (!report && !entry.removed && !stopping_) {
      counters_.lookup_failures.fetch_add(1);
      if (logger_.Enabled(LogLevel::kDebug)) logger_.Debug(engine_ + ": gave up looking up " + id);
    }
  }
  EraseLocked(it, finished);
  return report;
}

void InspectPipeline::EraseLocked(Entries::iterator entry, Finished* finished) {
  if (entry->second.batch) {
    --listed_entries_;
    EndedLocked(entry->second.batch, finished);
  }
  entries_.erase(entry);
}

void InspectPipeline::Removed(const ContainerInfo& removed) {
  const std::string& full_id = removed.full_id.empty() ? removed.id : removed.full_id;
  Finished finished;
  {
    std::lock_guard report_lock(report_mu_);
    {
      std::lock_guard lock(mu_);
      for (auto it = entries_.begin(); it != entries_.end();) {
        // Lookups may be queued under a short id.
        if (!full_id.starts_with(it->first)) {
          ++it;
        } else if (it->second.in_flight) {
          it->second.removed = true;
          ++it;
        } else {
          if (it->second.lookup) --lookups_;
          EraseLocked(it++, &finished);
        }
      }
      // The lane holds full ids.
      if (const auto listed = listed_.find(full_id); listed != listed_.end()) {
        EndedLocked(listed->second.batch, &finished);
        listed_.erase(listed);
      }
    }
    sink_->OnContainerRemoved(removed);
  }
  Tell(finished);
}

size_t InspectPipeline::queued() const {
  std::lock_guard lock(mu_);
  return entries_.size() + listed_.size();
}

}  // namespace libcontainer
