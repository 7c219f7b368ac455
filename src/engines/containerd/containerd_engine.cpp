#include "engines/containerd/containerd_engine.h"

#include <memory>
#include <utility>

#include "engines/containerd/containerd_client.h"
#include "engines/containerd/containerd_decoder.h"
#include "engines/grpc/grpc_status.h"
#include "engines/grpc/server_stream.h"

namespace libcontainer {
namespace {

namespace containers_v1 = ::containerd::services::containers::v1;
namespace events_v1 = ::containerd::services::events::v1;

std::vector<std::string> TopicFilters(uint32_t hooks) {
  std::vector<std::string> filters;
  if (hooks & kHookCreate) filters.emplace_back(R"(topic=="/containers/create")");
  if (hooks & kHookStart) filters.emplace_back(R"(topic=="/tasks/start")");
  filters.emplace_back(R"(topic=="/containers/delete")");
  return filters;
}

class ContainerdSession final : public EngineSession {
 public:
  ContainerdSession(std::string socket, EngineWatcher& watcher)
      : socket_(std::move(socket)),
        watcher_(watcher),
        options_(watcher.decode_options()),
        filters_(TopicFilters(watcher.hooks())),
        client_(socket_, watcher.timing().request_deadline) {}

  const std::string& socket() const override { return socket_; }

  std::string Follow(const std::function<void(std::string_view)>& listed) override {
    // Subscribed before listing, so a container created meanwhile is
    // reported (perhaps twice) rather than missed.
    std::unique_ptr<ContainerdEventStream> stream = client_.Subscribe(filters_);
    if (!following_.Hold(*stream)) return "";
    std::string error = ListAndFollow(*stream, listed);
    following_.Release();
    return error;
  }

  void Cancel() override {
    client_.CancelCalls();
    following_.Cancel();
  }

  InspectOutcome Lookup(const std::string& id, size_t /*worker*/, ContainerInfo* info,
                        std::string* error) override {
    std::string ns;
    containers_v1::Container container;
    const grpc::Status status = client_.FindContainer(id, &ns, &container);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {  // an ambiguous prefix
      return InspectOutcome::kNotFound;
    }
    if (!status.ok()) {
      const InspectOutcome outcome = OutcomeOf(status, error);
      *error = socket_ + ": " + *error;
      return outcome;
    }
    return Decode(container, info, error);
  }

  std::optional<std::unordered_set<std::string>> ListIds(std::string* error) override {
    std::vector<std::string> namespaces;
    grpc::Status status = client_.ListNamespaces(&namespaces);
    std::unordered_set<std::string> ids;
    for (size_t i = 0; status.ok() && i < namespaces.size(); ++i) {
      std::vector<containers_v1::Container> containers;
      status = client_.ListContainers(namespaces[i], {}, &containers);
      for (const auto& container : containers) ids.insert(container.id());
    }
    if (!status.ok()) {
      *error = socket_ + ": cannot list containers: " + DescribeStatus(status);
      return std::nullopt;
    }
    return ids;
  }

 private:
  std::string ListAndFollow(ContainerdEventStream& stream,
                            const std::function<void(std::string_view)>& listed) {
    std::vector<std::string> namespaces;
    grpc::Status status = client_.ListNamespaces(&namespaces);
    if (!status.ok()) {
      stream.Abandon();
      return socket_ + ": cannot list namespaces: " + DescribeStatus(status);
    }
    watcher_.Answered(*this);
    size_t count = 0;
    for (const std::string& ns : namespaces) {
      std::vector<containers_v1::Container> containers;
      status = client_.ListContainers(ns, {}, &containers);
      if (!status.ok()) {
        stream.Abandon();
        return socket_ + ": cannot list containers in namespace " + ns + ": " + DescribeStatus(status);
      }
      for (const auto& container : containers) count += Report(container);
    }
    listed(std::to_string(count) + " containers listed in " + std::to_string(namespaces.size()) +
           " namespaces");

    events_v1::Envelope envelope;
    while (stream.Read(&envelope)) HandleEnvelope(envelope);
    status = stream.Finish();
    if (watcher_.stopping()) return "";
    return socket_ + ": event stream ended: " + DescribeStatus(status);
  }

  bool Report(const containers_v1::Container& container) {
    ContainerInfo info;
    std::string error;
    if (Decode(container, &info, &error) != InspectOutcome::kFound) {
      watcher_.InspectFailed(container.id(), InspectOutcome::kBadResponse, error);
      return false;
    }
    watcher_.Report(info);
    return true;
  }

  InspectOutcome Decode(const containers_v1::Container& container, ContainerInfo* info, std::string* error) {
    std::optional<ContainerInfo> decoded = DecodeContainerdContainer(container, options_, error);
    if (!decoded) {
      *error = socket_ + ": malformed container: " + *error;
      return InspectOutcome::kBadResponse;
    }
    *info = std::move(*decoded);
    return InspectOutcome::kFound;
  }

  void HandleEnvelope(const events_v1::Envelope& envelope) {
    const std::optional<ContainerdEvent> decoded = DecodeContainerdEnvelope(envelope);
    if (!decoded) return;  // a topic we did not ask for, or an undecodable payload
    watcher_.CountEvent();
    EngineEvent event;
    event.kind = decoded->kind;
    event.id = decoded->id;
    event.time_nano = decoded->time_nano;
    watcher_.HandleEvent(
        event, ContainerType::kContainerd, decoded->topic + " in " + decoded->ns + " on " + socket_,
        [this, ns = decoded->ns, id = decoded->id](size_t, ContainerInfo* info, std::string* error) {
          containers_v1::Container container;
          const grpc::Status status = client_.GetContainer(ns, id, &container);
          if (!status.ok()) return OutcomeOf(status, error);
          return Decode(container, info, error);
        });
  }

  const std::string socket_;
  EngineWatcher& watcher_;
  const DecodeOptions options_;
  const std::vector<std::string> filters_;
  ContainerdClient client_;  // thread-safe: also used by lookups
  CancellableStream<ContainerdEventStream> following_;
};

}  // namespace

ContainerdEngine::ContainerdEngine(std::vector<std::string> sockets, const PluginConfig& config,
                                   const Logger& logger, EngineTiming timing)
    : EngineWatcher({.name = "containerd"}, std::move(sockets), config, logger, timing) {}

std::unique_ptr<EngineSession> ContainerdEngine::MakeSession(const std::string& socket) {
  return std::make_unique<ContainerdSession>(socket, *this);
}

}  // namespace libcontainer
