// A server-streaming call (containerd's Events/Subscribe, CRI's
// GetContainerEvents) that another thread can cancel. Read() blocks until a
// message arrives, the stream ends or Cancel() is called; Finish() then tells
// why (CANCELLED after Cancel(), UNAVAILABLE when the engine went away,
// UNIMPLEMENTED when it does not serve the call).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>

namespace libcontainer {

template <typename Message>
class ServerStream {
 public:
  // `open(context)` starts the call on the stream's own context and returns
  // its reader.
  template <typename Open>
  explicit ServerStream(Open open) : reader_(open(&context_)) {}
  ServerStream(const ServerStream&) = delete;
  ServerStream& operator=(const ServerStream&) = delete;

  bool Read(Message* message) { return reader_->Read(message); }
  grpc::Status Finish() { return reader_->Finish(); }
  void Cancel() { context_.TryCancel(); }

  // Ends a stream nobody will read any more: Finish() alone could wait for
  // messages still on their way.
  void Abandon() {
    Cancel();
    Message ignored;
    while (Read(&ignored)) {
    }
    Finish();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<Message>> reader_;
};

// The stream a session is following, as Cancel() (from another thread) sees
// it: a Cancel() before the stream is held abandons it as soon as it is,
// one during cancels it.
template <typename Stream>
class CancellableStream {
 public:
  // Holds `stream` until Release(); false, with the stream abandoned, when
  // Cancel() came first.
  bool Hold(Stream& stream) {
    std::lock_guard lock(mu_);
    if (cancelled_) {
      stream.Abandon();
      return false;
    }
    held_ = &stream;
    return true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    held_ = nullptr;
  }
  // Permanent.
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    if (held_ != nullptr) held_->Cancel();
  }

 private:
  std::mutex mu_;
  bool cancelled_ = false;
  Stream* held_ = nullptr;
};

}  // namespace libcontainer
