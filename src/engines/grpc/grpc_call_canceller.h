// Lets a watcher's Stop() cut short the unary RPCs other threads have in
// flight, instead of waiting out their deadlines against a hung engine. Each
// call registers its ClientContext for as long as it runs; CancelAll()
// cancels those and, permanently, every call that starts afterwards.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <unordered_set>

namespace libcontainer {

class GrpcCallCanceller {
 public:
  // Registers `context` for the scope's lifetime; a context registered after
  // CancelAll() is cancelled at once, so its call fails with CANCELLED
  // without reaching the engine.
  class Scope {
   public:
    Scope(GrpcCallCanceller& canceller, grpc::ClientContext* context);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    GrpcCallCanceller& canceller_;
    grpc::ClientContext* context_;
  };

  void CancelAll();

 private:
  std::mutex mu_;
  std::unordered_set<grpc::ClientContext*> in_flight_;
  bool cancelled_ = false;
};

}  // namespace libcontainer
