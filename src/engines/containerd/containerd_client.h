// Thin synchronous client for containerd's native gRPC API (containers,
// tasks, namespaces, events) over a unix socket. Every unary call carries a
// deadline; the event stream has none but can be cancelled from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "containerd/services/containers/v1/containers.grpc.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "containerd/services/namespaces/v1/namespace.grpc.pb.h"
#include "containerd/services/tasks/v1/tasks.grpc.pb.h"
#include "engines/grpc/grpc_call_canceller.h"
#include "engines/grpc/server_stream.h"

namespace libcontainer {

// containerd scopes containers and tasks by this gRPC metadata header.
inline constexpr char kContainerdNamespaceHeader[] = "containerd-namespace";

// Events/Subscribe.
using ContainerdEventStream = ServerStream<containerd::services::events::v1::Envelope>;

class ContainerdClient {
 public:
  explicit ContainerdClient(const std::string& socket_or_target,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ContainerdClient(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds timeout);

  grpc::Status ListNamespaces(std::vector<std::string>* out);
  // filters use containerd's syntax and are ORed (e.g. `id~="^c811"`).
  grpc::Status ListContainers(const std::string& ns, const std::vector<std::string>& filters,
                              std::vector<containerd::services::containers::v1::Container>* out);
  // Needs the full id: containerd does no prefix matching here.
  grpc::Status GetContainer(const std::string& ns, const std::string& id,
                            containerd::services::containers::v1::Container* out);
  // Full id or unique prefix (e.g. the 12-character id from a cgroup), in
  // every namespace. NOT_FOUND when nothing matches, FAILED_PRECONDITION when
  // a prefix is ambiguous. *ns receives the namespace it was found in.
  grpc::Status FindContainer(std::string_view id_or_prefix, std::string* ns,
                             containerd::services::containers::v1::Container* out);
  // The task's init process (pid, status); NOT_FOUND if it has no task.
  grpc::Status GetTask(const std::string& ns, const std::string& container_id,
                       containerd::v1::types::Process* out);
  grpc::Status ListTasks(const std::string& ns, std::vector<containerd::v1::types::Process>* out);
  // All namespaces unless a filter such as `namespace==k8s.io` says otherwise.
  std::unique_ptr<ContainerdEventStream> Subscribe(const std::vector<std::string>& filters);

  // Cancels the unary calls in flight and fails every later one with
  // CANCELLED, for good: how Stop() gets past a hung engine at once.
  void CancelCalls() { canceller_.CancelAll(); }

 private:
  // One unary call in namespace `ns` ("" for none) with the client's
  // deadline, cancellable by CancelCalls().
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& ns, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    if (!ns.empty()) context.AddMetadata(kContainerdNamespaceHeader, ns);
    const GrpcCallCanceller::Scope call(canceller_, &context);
    return (stub.*rpc)(&context, request, response);
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<containerd::services::containers::v1::Containers::Stub> containers_;
  std::unique_ptr<containerd::services::tasks::v1::Tasks::Stub> tasks_;
  std::unique_ptr<containerd::services::namespaces::v1::Namespaces::Stub> namespaces_;
  std::unique_ptr<containerd::services::events::v1::Events::Stub> events_;
  std::chrono::milliseconds timeout_;
  GrpcCallCanceller canceller_;
};

}  // namespace libcontainer
