// Thin synchronous client for the CRI RuntimeService over a unix socket.
// Every unary call carries a deadline; the event stream has none (it is
// long-lived) but can be cancelled from another thread. Thread-safe: gRPC
// channels and stubs may be shared.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cri/api.grpc.pb.h"
#include "engines/grpc/grpc_call_canceller.h"
#include "engines/grpc/server_stream.h"

namespace libcontainer {

// GetContainerEvents; Finish() says UNIMPLEMENTED on containerd < 1.7.
using CriEventStream = ServerStream<runtime::v1::ContainerEventResponse>;

class CriClient {
 public:
  explicit CriClient(const std::string& socket_or_target,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  CriClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout);

  grpc::Status Version(runtime::v1::VersionResponse* out);
  // All containers (any state) matching filter; nullptr: no filter. A filter
  // id may be a unique prefix: the runtime resolves it.
  grpc::Status ListContainers(const runtime::v1::ContainerFilter* filter,
                              std::vector<runtime::v1::Container>* out);
  grpc::Status ContainerStatus(const std::string& id, bool verbose,
                               runtime::v1::ContainerStatusResponse* out);
  grpc::Status ListPodSandbox(const runtime::v1::PodSandboxFilter* filter,
                              std::vector<runtime::v1::PodSandbox>* out);
  grpc::Status PodSandboxStatus(const std::string& id, bool verbose,
                                runtime::v1::PodSandboxStatusResponse* out);
  std::unique_ptr<CriEventStream> GetContainerEvents();

  // Lifecycle calls, used by tests to drive a real runtime.
  grpc::Status RunPodSandbox(const runtime::v1::RunPodSandboxRequest& request, std::string* sandbox_id);
  grpc::Status StopPodSandbox(const std::string& sandbox_id);
  grpc::Status RemovePodSandbox(const std::string& sandbox_id);
  grpc::Status CreateContainer(const runtime::v1::CreateContainerRequest& request, std::string* container_id);
  grpc::Status StartContainer(const std::string& container_id);
  grpc::Status StopContainer(const std::string& container_id, int64_t timeout_seconds);
  grpc::Status RemoveContainer(const std::string& container_id);

  // Cancels the unary calls in flight and fails every later one with
  // CANCELLED, for good: how Stop() gets past a hung engine at once.
  void CancelCalls() { canceller_.CancelAll(); }

 private:
  using Stub = runtime::v1::RuntimeService::Stub;

  // One unary call with the client's deadline (plus `extra`), cancellable by
  // CancelCalls().
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    std::chrono::milliseconds extra = std::chrono::milliseconds{0}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_ + extra);
    const GrpcCallCanceller::Scope call(canceller_, &context);
    return (stub_.get()->*rpc)(&context, request, response);
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
  GrpcCallCanceller canceller_;
};

}  // namespace libcontainer
