#include "engines/grpc/grpc_call_canceller.h"

namespace libcontainer {

GrpcCallCanceller::Scope::Scope(GrpcCallCanceller& canceller, grpc::ClientContext* context)
    : canceller_(canceller), context_(context) {
  std::lock_guard lock(canceller_.mu_);
  // gRPC remembers a cancel issued before the call starts.
  if (canceller_.cancelled_) context_->TryCancel();
  canceller_.in_flight_.insert(context_);
}

GrpcCallCanceller::Scope::~Scope() {
  std::lock_guard lock(canceller_.mu_);
  canceller_.in_flight_.erase(context_);
}

void GrpcCallCanceller::CancelAll() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  for (grpc::ClientContext* context : in_flight_) context->TryCancel();
}

}  // namespace libcontainer
