#include "engines/containerd/containerd_engine.h"

#include <memory>
#include <mutex>
#include <utility>

#include "engines/containerd/containerd_client.h"
#include "engines/containerd/containerd_decoder.h"

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
  ContainerdSession(std::string socket, GrpcEngineWatcher& watcher, const DecodeOptions& options,
                    uint32_t hooks)
      : socket_(std::move(socket)),
        watcher_(watcher),
        options_(options),
        hooks_(hooks),
        filters_(TopicFilters(hooks)),
        client_(socket_, watcher.timing().request_deadline) {}

  const std::string& socket() const override { return socket_; }

  std::string Follow(const std::function<void(std::string_view)>& listed) override {
    // Subscribed before listing, so a container created meanwhile is
    // reported (perhaps twice) rather than missed.
    std::unique_ptr<ContainerdEventStream> stream = client_.Subscribe(filters_);
    {
      std::lock_guard lock(mu_);
      if (cancelled_) {
        AbandonStream<events_v1::Envelope>(*stream);
        return "";
      }
      stream_ = stream.get();
    }
    std::string error = ListAndFollow(*stream, listed);
    std::lock_guard lock(mu_);
    stream_ = nullptr;
    return error;
  }

  void Cancel() override {
    client_.CancelCalls();
    std::lock_guard lock(mu_);
    cancelled_ = true;
    if (stream_ != nullptr) stream_->Cancel();
  }

  LookupResult Lookup(const std::string& id, ContainerInfo* info, std::string* error) override {
    std::string ns;
    containers_v1::Container container;
    const grpc::Status status = client_.FindContainer(id, &ns, &container);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {  // ambiguous prefix
      return LookupResult::kNotFound;
    }
    if (!status.ok()) {
      *error = socket_ + ": " + DescribeStatus(status);
      return LookupResult::kError;
    }
    std::optional<ContainerInfo> decoded = DecodeContainerdContainer(container, options_, error);
    if (!decoded) return LookupResult::kError;
    *info = std::move(*decoded);
    return LookupResult::kFound;
  }

 private:
  std::string ListAndFollow(ContainerdEventStream& stream,
                            const std::function<void(std::string_view)>& listed) {
    std::vector<std::string> namespaces;
    grpc::Status status = client_.ListNamespaces(&namespaces);
    if (!status.ok()) {
      AbandonStream<events_v1::Envelope>(stream);
      return socket_ + ": cannot list namespaces: " + DescribeStatus(status);
    }
    size_t count = 0;
    for (const std::string& ns : namespaces) {
      std::vector<containers_v1::Container> containers;
      status = client_.ListContainers(ns, {}, &containers);
      if (!status.ok()) {
        AbandonStream<events_v1::Envelope>(stream);
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
    std::string error;
    std::optional<ContainerInfo> info = DecodeContainerdContainer(container, options_, &error);
    if (!info) {
      watcher_.logger().Warning(watcher_.name() + ": skipping container on " + socket_ + ": " + error);
      return false;
    }
    watcher_.sink().OnContainer(*info);
    return true;
  }

  void HandleEnvelope(const events_v1::Envelope& envelope) {
    const std::optional<ContainerdEvent> event = DecodeContainerdEnvelope(envelope);
    if (!event) return;  // a topic we did not ask for, or an undecodable payload
    watcher_.CountEvent();
    const Logger& logger = watcher_.logger();
    if (logger.Enabled(LogLevel::kDebug)) {
      logger.Debug(watcher_.name() + ": event " + event->topic + " " + event->ns + "/" + event->id + " on " +
                   socket_);
    }
    switch (event->kind) {
      case EngineEvent::Kind::kCreate:
      case EngineEvent::Kind::kStart: {
        const uint32_t hook = event->kind == EngineEvent::Kind::kCreate ? kHookCreate : kHookStart;
        if ((hooks_ & hook) == 0) return;
        watcher_.InspectLater(event->id, [this, ns = event->ns, id = event->id](ContainerInfo* info) {
          containers_v1::Container container;
          grpc::Status status = client_.GetContainer(ns, id, &container);
          if (!status.ok()) return status;
          std::string error;
          std::optional<ContainerInfo> decoded = DecodeContainerdContainer(container, options_, &error);
          if (!decoded) return grpc::Status(grpc::StatusCode::INTERNAL, "malformed container: " + error);
          *info = std::move(*decoded);
          return grpc::Status::OK;
        });
        return;
      }
      case EngineEvent::Kind::kRemove:
        watcher_.ReportRemoved(ContainerType::kContainerd, event->id);
        return;
      case EngineEvent::Kind::kDie:
      case EngineEvent::Kind::kOther:
        return;
    }
  }

  const std::string socket_;
  GrpcEngineWatcher& watcher_;
  const DecodeOptions options_;
  const uint32_t hooks_;
  const std::vector<std::string> filters_;
  ContainerdClient client_;  // thread-safe: also used by lookups

  std::mutex mu_;
  bool cancelled_ = false;                   // guarded by mu_
  ContainerdEventStream* stream_ = nullptr;  // guarded by mu_; the open stream
};

}  // namespace

ContainerdEngine::ContainerdEngine(std::vector<std::string> sockets, const PluginConfig& config,
                                   const Logger& logger, EngineTiming timing)
    : GrpcEngine("containerd", std::move(sockets), config, logger, timing,
                 [](const std::string& socket, GrpcEngineWatcher& watcher, const DecodeOptions& options,
                    uint32_t hooks) {
                   return std::make_unique<ContainerdSession>(socket, watcher, options, hooks);
                 }) {}

}  // namespace libcontainer
