// Test support for the docker and podman watchers: a scripted engine behind
// FakeHttpServer (ping, version, list, inspect, image inspect, events stream),
// a recording sink and a capturing logger. Header-only.
#pragma once

#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/logger.h"
#include "engines/container_engine.h"
#include "engines/engine_timing.h"
#include "engines/fake_http_server.h"

namespace libcontainer::engine_testing {

// Hang guard for waits: generous, only hit when the code under test is broken.
inline constexpr std::chrono::milliseconds kGuard{10000};

template <typename Predicate>
bool WaitFor(Predicate predicate, std::chrono::milliseconds timeout = kGuard) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Watcher timing for fake engines: short deadlines, backoffs, retries and
// rescans, so reconnect and lookup paths run in milliseconds.
inline EngineTiming FastTiming() {
  using namespace std::chrono_literals;
  EngineTiming timing;
  timing.request_deadline = 1000ms;
  timing.backoff_initial = 10ms;
  timing.backoff_max = 50ms;
  timing.lookup_attempts = 8;
  timing.lookup_retry_initial = 20ms;
  timing.rootless_rescan = 20ms;
  timing.events_log_rewatch = 20ms;
  timing.cri_poll_interval = 30ms;
  return timing;
}

// A 64-hex id made from a short tag, e.g. Id("c1") = "c1c1c1...".
inline std::string Id(std::string_view tag) {
  std::string id;
  while (id.size() < 64) id += tag;
  return id.substr(0, 64);
}

class RecordingSink : public ContainerSink {
 public:
  void OnContainer(const ContainerInfo& info) override {
    std::lock_guard lock(mu_);
    added_.push_back(info);
  }
  void OnContainerRemoved(const ContainerInfo& info) override {
    std::lock_guard lock(mu_);
    removed_.push_back(info);
  }
  size_t CountAdded(const std::string& full_id) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& info : added_) n += info.full_id == full_id;
    return n;
  }
  std::optional<ContainerInfo> Added(const std::string& full_id) const {
    std::lock_guard lock(mu_);
    for (const auto& info : added_) {
      if (info.full_id == full_id) return info;
    }
    return std::nullopt;
  }
  std::optional<ContainerInfo> WaitForAdded(const std::string& full_id) const {
    WaitFor([&] { return CountAdded(full_id) > 0; });
    return Added(full_id);
  }
  // The `n`th record of the container (0 = the first), waiting for it.
  std::optional<ContainerInfo> WaitForAddedNth(const std::string& full_id, size_t n) const {
    WaitFor([&] { return CountAdded(full_id) > n; });
    std::lock_guard lock(mu_);
    for (const auto& info : added_) {
      if (info.full_id == full_id && n-- == 0) return info;
    }
    return std::nullopt;
  }
  std::vector<ContainerInfo> removed() const {
    std::lock_guard lock(mu_);
    return removed_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ContainerInfo> added_, removed_;
};

class CapturingLogger : public Logger {
 public:
  bool Enabled(LogLevel) const override { return true; }
  void Log(LogLevel level, std::string_view message) const override {
    std::lock_guard lock(mu_);
    lines_.emplace_back(level, std::string(message));
  }
  bool Contains(LogLevel level, std::string_view text) const {
    std::lock_guard lock(mu_);
    for (const auto& [l, m] : lines_) {
      if (l == level && m.find(text) != std::string::npos) return true;
    }
    return false;
  }
  size_t Count(LogLevel level, std::string_view text) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [l, m] : lines_) n += l == level && m.find(text) != std::string::npos;
    return n;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<std::pair<LogLevel, std::string>> lines_;
};

// The engine's state and its HTTP face. Paths are matched by suffix, so one
// fake serves both /v1.41/... and /v4.0.0/libpod/...; inspect accepts an id
// prefix like the real engines.
class FakeEngine {
 public:
  static constexpr const char* kDockerVersion =
      R"({"Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12"})";
  static constexpr const char* kPodmanVersion =
      R"({"Version":"4.3.1","ApiVersion":"1.41","Components":[{"Name":"Podman Engine","Version":"4.3.1"}]})";

  explicit FakeEngine(std::string version_json) : version_json_(std::move(version_json)) {}

  void SetContainer(const std::string& id, std::string inspect_json) {
    std::lock_guard lock(mu_);
    containers_[id] = std::move(inspect_json);
  }
  // Gone from the engine without an event (one that was lost).
  void RemoveContainer(const std::string& id) {
    std::lock_guard lock(mu_);
    containers_.erase(id);
  }
  void SetImage(const std::string& id, std::string inspect_json) {
    std::lock_guard lock(mu_);
    images_[id] = std::move(inspect_json);
  }
  // Sent to every open event stream (not to later ones).
  void PushEvent(std::string line) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(line));
    cv_.notify_all();
  }
  // Ends every open event stream cleanly, like an engine shutting down.
  void EndStreams() {
    std::lock_guard lock(mu_);
    ++generation_;
    cv_.notify_all();
  }
  // Inspects of `id` wait until ReleaseInspect(id), the client goes away or
  // the server stops, as dockerd holds an inspect until the container started.
  void HoldInspect(const std::string& id) {
    std::lock_guard lock(mu_);
    held_.insert(id);
  }
  void ReleaseInspect(const std::string& id) {
    std::lock_guard lock(mu_);
    held_.erase(id);
    cv_.notify_all();
  }
  // Inspect requests now waiting on a hold.
  int held_inspects() const {
    std::lock_guard lock(mu_);
    return waiting_;
  }
  // The body of GET .../info (podman's libpod info); 404 until set.
  void SetInfo(std::string info_json) {
    std::lock_guard lock(mu_);
    info_json_ = std::move(info_json);
  }
  int subscriptions() const {
    std::lock_guard lock(mu_);
    return subscriptions_;
  }
  int lists() const {
    std::lock_guard lock(mu_);
    return lists_;
  }

  // How an override dealt with a request.
  enum class Served { kAnswered, kClose, kDefault };
  // Requests whose path ends with `path_suffix` go to `script` first, which
  // answers (or misbehaves), closes the connection, or hands the request
  // back to the scripted engine: how fault tests make one request go wrong.
  using Script = std::function<Served(FakeConnection&, const FakeRequest&)>;
  void Override(std::string path_suffix, Script script) {
    std::lock_guard lock(mu_);
    overrides_.emplace_back(std::move(path_suffix), std::move(script));
  }

  FakeHttpServer::Handler Handler() {
    return [this](FakeConnection& conn) { Serve(conn); };
  }

 private:
  void Serve(FakeConnection& conn) {
    while (std::optional<FakeRequest> request = conn.ReadRequest()) {
      std::string path = request->target.substr(0, request->target.find('?'));
      if (const Script script = OverrideFor(path)) {
        const Served served = script(conn, *request);
        if (served == Served::kClose) return;
        if (served == Served::kAnswered) continue;
      }
      if (path == "/_ping") {
        if (!conn.WriteResponse(200, "OK", "text/plain")) return;
      } else if (path == "/version") {
        if (!conn.WriteResponse(200, version_json_)) return;
      } else if (const auto info = Info(); path.ends_with("/info") && info) {
        if (!conn.WriteResponse(200, *info)) return;
      } else if (path.ends_with("/events")) {
        Stream(conn);
        return;
      } else if (path.ends_with("/containers/json")) {
        if (!conn.WriteResponse(200, ListBody())) return;
      } else if (const size_t at = path.find("/containers/");
                 at != std::string::npos && path.ends_with("/json")) {
        const size_t start = at + 12;
        const std::string id = path.substr(start, path.size() - 5 - start);
        if (!WaitUnlessHeld(conn, id)) return;
        const auto body = Find(containers_, id);
        if (!(body ? conn.WriteResponse(200, *body)
                   : conn.WriteResponse(404, R"({"message":"no such container"})")))
          return;
      } else if (const size_t image_at = path.find("/images/"); image_at != std::string::npos) {
        const size_t start = image_at + 8;
        const auto body = Find(images_, path.substr(start, path.size() - 5 - start));
        if (!(body ? conn.WriteResponse(200, *body)
                   : conn.WriteResponse(404, R"({"message":"no such image"})")))
          return;
      } else if (!conn.WriteResponse(404, R"({"message":"page not found"})")) {
        return;
      }
    }
  }

  // False if the client went away (or the server is stopping) while `id` was held.
  bool WaitUnlessHeld(FakeConnection& conn, const std::string& id) {
    std::unique_lock lock(mu_);
    if (held_.count(id) == 0) return true;
    ++waiting_;
    bool present = true;
    while (present && held_.count(id) != 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(20));
      // The client sends nothing while it waits: readable means it went away.
      pollfd p{conn.fd(), POLLIN, 0};
      present = poll(&p, 1, 0) == 0;
    }
    --waiting_;
    return present;
  }

  Script OverrideFor(const std::string& path) const {
    std::lock_guard lock(mu_);
    for (const auto& [suffix, script] : overrides_) {
      if (path.ends_with(suffix)) return script;
    }
    return nullptr;
  }

  std::optional<std::string> Info() const {
    std::lock_guard lock(mu_);
    return info_json_;
  }

  std::optional<std::string> Find(const std::map<std::string, std::string>& map,
                                  const std::string& key) const {
    std::lock_guard lock(mu_);
    for (const auto& [id, body] : map) {
      if (!key.empty() && id.starts_with(key)) return body;
    }
    return std::nullopt;
  }

  std::string ListBody() {
    std::lock_guard lock(mu_);
    ++lists_;
    std::string body = "[";
    for (const auto& [id, unused] : containers_)
      body += (body.size() > 1 ? ",{\"Id\":\"" : "{\"Id\":\"") + id + "\"}";
    return body + "]";
  }

  void Stream(FakeConnection& conn) {
    if (!conn.WriteChunkedHeaders()) return;
    std::unique_lock lock(mu_);
    size_t next = events_.size();
    const int generation = generation_;
    ++subscriptions_;
    while (true) {
      cv_.wait_for(lock, std::chrono::milliseconds(20),
                   [&] { return next < events_.size() || generation != generation_; });
      if (generation != generation_) {
        lock.unlock();
        conn.EndChunks();
        return;
      }
      while (next < events_.size()) {
        const std::string line = events_[next++] + "\n";
        lock.unlock();
        if (!conn.WriteChunk(line)) return;
        lock.lock();
      }
      // The client never writes on a stream: readable means it went away (or
      // the server is shutting the connection down).
      pollfd p{conn.fd(), POLLIN, 0};
      if (poll(&p, 1, 0) != 0) return;
    }
  }

  const std::string version_json_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> containers_, images_;
  std::optional<std::string> info_json_;
  std::vector<std::string> events_;
  std::set<std::string> held_;  // full ids whose inspect waits
  std::vector<std::pair<std::string, Script>> overrides_;
  int waiting_ = 0;
  int generation_ = 0;
  int subscriptions_ = 0;
  int lists_ = 0;
};

// An event line in the docker/libpod shape.
inline std::string EventLine(std::string_view action, const std::string& id) {
  return R"({"status":")" + std::string(action) + R"(","id":")" + id + R"(","Type":"container","Action":")" +
         std::string(action) + R"(","Actor":{"ID":")" + id +
         R"(","Attributes":{"name":"x","image":"busybox:1.36","app":"web"}},"time":1795460922})";
}

// The same event as EventLine(status, id) as podman writes it to its events
// log (events_logger = "file"); `time` is EventLine's.
inline std::string PodmanLogLine(std::string_view status, const std::string& id,
                                 std::string_view time = "2026-11-23T19:08:42Z",
                                 std::string_view type = "container") {
  return R"({"ID":")" + id + R"(","Image":"busybox:1.36","Name":"x","Status":")" + std::string(status) +
         R"(","Time":")" + std::string(time) + R"(","Type":")" + std::string(type) +
         R"(","Attributes":{"app":"web"}})" + "\n";
}

// Counts requests whose target contains `text`.
inline size_t CountRequests(const FakeHttpServer& server, std::string_view text) {
  size_t n = 0;
  for (const FakeRequest& request : server.requests()) n += request.target.find(text) != std::string::npos;
  return n;
}

}  // namespace libcontainer::engine_testing
