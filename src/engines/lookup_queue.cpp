#include "engines/lookup_queue.h"

#include <algorithm>
#include <utility>

namespace libcontainer {

using Clock = std::chrono::steady_clock;

LookupQueue::LookupQueue(std::string engine, const Logger& logger, const EngineTiming& timing,
                         EngineCounters& counters)
    : engine_(std::move(engine)), logger_(logger), timing_(timing), counters_(counters) {}

LookupQueue::~LookupQueue() {
  Stop();
}

void LookupQueue::Start(Attempt attempt) {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  attempt_ = std::move(attempt);
  worker_ = std::thread([this] { Run(); });
}

void LookupQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void LookupQueue::Request(std::string_view id) {
  if (id.empty()) return;
  counters_.lookups.fetch_add(1);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    std::string key(id);
    if (queued_.count(key) != 0) return;
    if (queued_.size() >= timing_.lookup_queue_capacity) {
      counters_.lookup_failures.fetch_add(1);
      return;
    }
    queued_.insert(key);
    pending_.push_back(Pending{std::move(key), 0, Clock::now(), timing_.lookup_retry_initial});
  }
  cv_.notify_all();
}

void LookupQueue::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (pending_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto next = std::min_element(pending_.begin(), pending_.end(),
                                 [](const Pending& a, const Pending& b) { return a.due < b.due; });
    if (next->due > Clock::now()) {
      cv_.wait_until(lock, next->due);
      continue;
    }
    Pending item = std::move(*next);
    pending_.erase(next);
    lock.unlock();
    const bool found = attempt_(item.id);
    lock.lock();
    if (found || stopping_) {
      queued_.erase(item.id);
      continue;
    }
    if (++item.attempts >= timing_.lookup_attempts) {
      queued_.erase(item.id);
      counters_.lookup_failures.fetch_add(1);
      if (logger_.Enabled(LogLevel::kDebug)) logger_.Debug(engine_ + ": gave up looking up " + item.id);
      continue;
    }
    item.due = Clock::now() + item.delay;
    item.delay *= 2;
    pending_.push_back(std::move(item));
  }
}

}  // namespace libcontainer
