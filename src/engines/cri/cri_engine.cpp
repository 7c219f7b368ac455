#include "engines/cri/cri_engine.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "engines/cri/cri_client.h"
#include "engines/cri/cri_decoder.h"
#include "engines/cri/pod_status_cache.h"
#include "engines/grpc/grpc_status.h"
#include "engines/grpc/server_stream.h"

namespace libcontainer {
namespace {

namespace cri = ::runtime::v1;

// What one ListContainers + ListPodSandbox pass saw of an id.
struct Listed {
  bool sandbox = false;
  cri::ContainerState state = cri::CONTAINER_UNKNOWN;
  std::string sandbox_id;  // of a container's pod, when the list says
};
using Snapshot = std::map<std::string, Listed>;

class CriSession final : public EngineSession {
 public:
  CriSession(std::string socket, EngineWatcher& watcher)
      : socket_(std::move(socket)),
        watcher_(watcher),
        options_(watcher.decode_options()),
        hooks_(watcher.hooks()),
        client_(socket_, watcher.timing().request_deadline) {}

  const std::string& socket() const override { return socket_; }

  std::string Follow(const std::function<void(std::string_view)>& listed) override {
    cri::VersionResponse version;
    const grpc::Status status = client_.Version(&version);
    if (!status.ok()) return socket_ + ": " + DescribeStatus(status);
    watcher_.Answered(*this);
    {
      std::lock_guard lock(mu_);
      runtime_name_ = version.runtime_name();
    }
    type_ = CriContainerType(version.runtime_name());
    const std::string summary = "runtime " + version.runtime_name() + " " + version.runtime_version() +
                                ", CRI " + version.runtime_api_version();

    // Opened before listing, so a container created meanwhile is reported
    // (perhaps twice) rather than missed.
    std::unique_ptr<CriEventStream> stream = client_.GetContainerEvents();
    if (!following_.Hold(*stream)) return "";
    const std::optional<std::string> error = ListAndFollow(*stream, version.runtime_name(), summary, listed);
    following_.Release();
    if (error) return *error;
    if (!poll_logged_) {
      poll_logged_ = true;
      watcher_.logger().Info(std::string(watcher_.name()) + ": " + socket_ +
                             " has no container events stream; polling every " +
                             std::to_string(watcher_.timing().cri_poll_interval.count()) + " ms");
    }
    return Poll(version.runtime_name());
  }

  void Cancel() override {
    client_.CancelCalls();
    following_.Cancel();
  }

  InspectOutcome Lookup(const std::string& id, size_t /*worker*/, ContainerInfo* info,
                        std::string* error) override {
    std::string runtime_name;
    {
      std::lock_guard lock(mu_);
      runtime_name = runtime_name_;
    }
    // CRI filters take a unique id prefix.
    cri::ContainerFilter filter;
    filter.set_id(id);
    std::vector<cri::Container> containers;
    grpc::Status status = client_.ListContainers(&filter, &containers);
    if (status.ok() && containers.size() == 1 && containers[0].id().starts_with(id)) {
      status = InspectContainer(containers[0].id(), containers[0].pod_sandbox_id(), runtime_name, info);
    } else if (status.ok()) {
      cri::PodSandboxFilter sandbox_filter;
      sandbox_filter.set_id(id);
      std::vector<cri::PodSandbox> sandboxes;
      status = client_.ListPodSandbox(&sandbox_filter, &sandboxes);
      std::erase_if(sandboxes, [&](const cri::PodSandbox& s) { return !s.id().starts_with(id); });
      if (status.ok() && sandboxes.size() != 1) return InspectOutcome::kNotFound;
      if (status.ok()) status = InspectSandbox(sandboxes[0].id(), runtime_name, info);
    }
    const InspectOutcome outcome = OutcomeOf(status, error);
    if (outcome != InspectOutcome::kFound) *error = socket_ + ": " + *error;
    return outcome;
  }

  std::optional<std::unordered_set<std::string>> ListIds(std::string* error) override {
    Snapshot current;
    if (std::string failed = Fetch(&current); !failed.empty()) {
      *error = std::move(failed);
      return std::nullopt;
    }
    std::unordered_set<std::string> ids;
    for (const auto& [id, entry] : current) ids.insert(id);
    return ids;
  }

 private:
  // Why the connection ended, or nullopt when the runtime has no events
  // stream and must be polled.
  std::optional<std::string> ListAndFollow(CriEventStream& stream, const std::string& runtime_name,
                                           const std::string& summary,
                                           const std::function<void(std::string_view)>& listed) {
    Snapshot current;
    std::string error = Fetch(&current);
    if (!error.empty()) {
      stream.Abandon();
      return error;
    }
    const auto [containers, sandboxes] = Sync(current, runtime_name, /*initial=*/true);
    listed(summary + ", " + std::to_string(containers) + " containers and " + std::to_string(sandboxes) +
           " pod sandboxes listed");

    cri::ContainerEventResponse event;
    while (stream.Read(&event)) HandleEvent(event, runtime_name);
    const grpc::Status status = stream.Finish();
    if (watcher_.stopping()) return "";
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return std::nullopt;
    return socket_ + ": container event stream ended: " + DescribeStatus(status);
  }

  // Until the connection fails or Stop(): compares each listing with the last.
  std::string Poll(const std::string& runtime_name) {
    while (watcher_.SleepUnlessStopped(watcher_.timing().cri_poll_interval)) {
      Snapshot current;
      std::string error = Fetch(&current);
      if (!error.empty()) return error;
      Sync(current, runtime_name, /*initial=*/false);
    }
    return "";
  }

  std::string Fetch(Snapshot* out) {
    std::vector<cri::Container> containers;
    grpc::Status status = client_.ListContainers(nullptr, &containers);
    if (!status.ok()) return socket_ + ": cannot list containers: " + DescribeStatus(status);
    std::vector<cri::PodSandbox> sandboxes;
    status = client_.ListPodSandbox(nullptr, &sandboxes);
    if (!status.ok()) return socket_ + ": cannot list pod sandboxes: " + DescribeStatus(status);
    for (const auto& c : containers) (*out)[c.id()] = Listed{false, c.state(), c.pod_sandbox_id()};
    for (const auto& s : sandboxes) (*out)[s.id()] = Listed{true, cri::CONTAINER_UNKNOWN, {}};
    return "";
  }

  // Has the inspect workers inspect what is new in `current` (everything
  // when `initial`), and reports the removal of what vanished since the last
  // poll. After a reconnect (`initial`) the watcher reports what went away
  // while the runtime was not followed, as for every engine, from what its
  // sockets showed: ids it has reconciled away since are not reported twice.
  // Returns the containers and sandboxes to be inspected.
  std::pair<size_t, size_t> Sync(const Snapshot& current, const std::string& runtime_name, bool initial) {
    size_t containers = 0, sandboxes = 0;
    auto pods = std::make_shared<PodStatusCache>();
    std::vector<EngineWatcher::ListedContainer> listed;
    for (const auto& [id, entry] : current) {
      bool& reported = known_.try_emplace(id, false).first->second;
      if (!initial && reported) continue;
      // With the start hook alone, a container is reported once it ran.
      const bool due = initial || entry.sandbox || (hooks_ & kHookCreate) != 0 ||
                       entry.state == cri::CONTAINER_RUNNING || entry.state == cri::CONTAINER_EXITED;
      if (!due) continue;
      EngineWatcher::ListedContainer& container = listed.emplace_back();
      container.id = id;
      container.type = type_;
      container.inspect = [this, id = id, entry = entry, runtime_name, pods](size_t, ContainerInfo* info,
                                                                             std::string* error) {
        const grpc::Status status =
            entry.sandbox ? InspectSandbox(id, runtime_name, info, pods.get())
                          : InspectContainer(id, entry.sandbox_id, runtime_name, info, pods.get());
        return OutcomeOf(status, error);
      };
      reported = true;
      ++(entry.sandbox ? sandboxes : containers);
    }
    watcher_.InspectListed(std::move(listed));
    for (auto it = known_.begin(); it != known_.end();) {
      if (current.count(it->first) != 0) {
        ++it;
        continue;
      }
      if (it->second && !initial) ReportRemoved(it->first);
      it = known_.erase(it);
    }
    return {containers, sandboxes};
  }

  void HandleEvent(const cri::ContainerEventResponse& response, const std::string& runtime_name) {
    const std::optional<EngineEvent> event = DecodeCriContainerEvent(response);
    if (!event) return;
    watcher_.CountEvent();
    const std::string source =
        cri::ContainerEventType_Name(response.container_event_type()) + " on " + socket_;
    switch (event->kind) {
      case EngineEvent::Kind::kCreate:
      case EngineEvent::Kind::kStart: {
        std::string sandbox_hint =
            response.has_pod_sandbox_status() ? response.pod_sandbox_status().id() : std::string();
        const bool handled = watcher_.HandleEvent(
            *event, type_, source,
            [this, id = event->id, sandbox_hint = std::move(sandbox_hint), runtime_name](
                size_t, ContainerInfo* info, std::string* error) {
              grpc::Status status = InspectContainer(id, sandbox_hint, runtime_name, info);
              // Runtimes send events for pod sandboxes too, under the sandbox's id.
              if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
                const grpc::Status sandbox_status = InspectSandbox(id, runtime_name, info);
                if (sandbox_status.error_code() != grpc::StatusCode::NOT_FOUND) status = sandbox_status;
              }
              return OutcomeOf(status, error);
            });
        // Its removal is news from now on, though the inspect is still to come.
        if (handled) known_[event->id] = true;
        return;
      }
      case EngineEvent::Kind::kRemove:
        known_.erase(event->id);
        watcher_.HandleEvent(*event, type_, source, nullptr);
        return;
      case EngineEvent::Kind::kDie:  // a stopped container is still there
      case EngineEvent::Kind::kOther:
        return;
    }
  }

  // A container gone between two polls.
  void ReportRemoved(const std::string& id) {
    EngineEvent removed;
    removed.kind = EngineEvent::Kind::kRemove;
    removed.id = id;
    watcher_.HandleEvent(removed, type_, "(gone from the listing of " + socket_ + ")", nullptr);
  }

  // ContainerStatus(verbose) + its pod's PodSandboxStatus(verbose), taken
  // from `pods` when a listing has it already (and kept there). The pod is
  // best effort: without it only the pod fields stay empty.
  grpc::Status InspectContainer(const std::string& id, std::string sandbox_id,
                                const std::string& runtime_name, ContainerInfo* info,
                                PodStatusCache* pods = nullptr) {
    cri::ContainerStatusResponse container;
    grpc::Status status = client_.ContainerStatus(id, /*verbose=*/true, &container);
    if (!status.ok()) return status;
    std::string error;
    std::optional<ContainerInfo> decoded;
    auto decode = [&](const CriPod* pod) {
      decoded = DecodeCriContainer(container, pod, runtime_name, options_, &error);
      return decoded.has_value();
    };
    // Without the pod's id from the list, the status names it; decoding is
    // what a listing spends most on, so it is done twice only then.
    if (sandbox_id.empty()) {
      if (!decode(nullptr))
        return grpc::Status(grpc::StatusCode::INTERNAL, "malformed container status: " + error);
      sandbox_id = decoded->pod_sandbox_id;
    }
    const PodStatusCache::PodStatus sandbox = sandbox_id.empty() ? nullptr : PodStatus(sandbox_id, pods);
    const CriPod* pod = sandbox != nullptr && sandbox->facts ? &*sandbox->facts : nullptr;
    if ((pod != nullptr || !decoded) && !decode(pod)) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "malformed container status: " + error);
    }
    *info = std::move(*decoded);
    return grpc::Status::OK;
  }

  grpc::Status InspectSandbox(const std::string& id, const std::string& runtime_name, ContainerInfo* info,
                              PodStatusCache* pods = nullptr) {
    grpc::Status status;
    const PodStatusCache::PodStatus sandbox = PodStatus(id, pods, &status);
    if (sandbox == nullptr) return status;
    std::string error;
    std::optional<ContainerInfo> decoded = DecodeCriSandbox(sandbox->status, runtime_name, options_, &error);
    if (!decoded) return grpc::Status(grpc::StatusCode::INTERNAL, "malformed pod sandbox status: " + error);
    *info = std::move(*decoded);
    return grpc::Status::OK;
  }

  // The status of pod `sandbox_id`, through `pods` if not null; nullptr (and
  // *status) if the runtime did not give it.
  PodStatusCache::PodStatus PodStatus(const std::string& sandbox_id, PodStatusCache* pods,
                                      grpc::Status* status = nullptr) {
    const PodStatusCache::Fetch fetch = [this](const std::string& sandbox, FetchedPod* out) {
      grpc::Status fetched = client_.PodSandboxStatus(sandbox, /*verbose=*/true, &out->status);
      if (fetched.ok()) out->facts = DecodeCriPod(out->status, options_);
      return fetched;
    };
    if (pods != nullptr) return pods->Get(sandbox_id, fetch, status);
    PodStatusCache once;
    return once.Get(sandbox_id, fetch, status);
  }

  const std::string socket_;
  EngineWatcher& watcher_;
  const DecodeOptions options_;
  const uint32_t hooks_;
  CriClient client_;  // thread-safe: also used by lookups

  // The session thread's own.
  ContainerType type_ = ContainerType::kCri;
  // id → reported (sent to the sink, so its removal is news). Kept across
  // reconnects.
  std::map<std::string, bool> known_;
  bool poll_logged_ = false;

  CancellableStream<CriEventStream> following_;
  std::mutex mu_;
  std::string runtime_name_;  // guarded by mu_; for lookups
};

}  // namespace

CriEngine::CriEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
                     EngineTiming timing)
    : EngineWatcher({.name = "cri"}, std::move(sockets), config, logger, timing) {}

std::unique_ptr<EngineSession> CriEngine::MakeSession(const std::string& socket) {
  return std::make_unique<CriSession>(socket, *this);
}

}  // namespace libcontainer
