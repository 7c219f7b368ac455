// One client connection to a unix stream socket, with its own single-threaded
// io_context, for UnixHttpClient. Every operation is asynchronous underneath
// and waited for here in short slices, so a deadline or a caller's stop flag
// ends it promptly however the peer behaves: Asio's blocking calls have no
// timeout and cannot be interrupted from the waiting thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <string>
#include <utility>

namespace libcontainer {

class UnixSocketConn {
 public:
  using Clock = std::chrono::steady_clock;
  using Socket = boost::asio::local::stream_protocol::socket;

  // How an operation ended: its own outcome (see the error_code), or cut short.
  enum class Wait { kDone, kTimedOut, kStopped };

  UnixSocketConn() = default;
  UnixSocketConn(const UnixSocketConn&) = delete;
  UnixSocketConn& operator=(const UnixSocketConn&) = delete;

  // Connects to `path` unless the connection left by the previous call is
  // still usable (see IdleReusable; *reused says so), which is how keep-alive
  // reuse happens.
  Wait Connect(const std::string& path, Clock::time_point deadline, const std::atomic<bool>* stop,
               boost::system::error_code* ec, bool* reused = nullptr);

  // Starts one asynchronous operation, `start(handler)`, and waits until it
  // completes (*ec is its result), `deadline` passes or *stop turns true. An
  // operation cut short closes the connection: the peer is mid-message.
  template <typename Start>
  Wait Run(Start&& start, Clock::time_point deadline, const std::atomic<bool>* stop,
           boost::system::error_code* ec) {
    bool done = false;
    // The handler only touches this frame; Abort() runs it before we return.
    std::forward<Start>(start)([&done, ec](const boost::system::error_code& result, auto&&...) {
      *ec = result;
      done = true;
    });
    return WaitFor(done, deadline, stop);
  }

  // Drops the connection and any bytes read past the last message.
  void Close();

  Socket& socket() { return socket_; }
  // Bytes read from the socket and not yet consumed by a parser.
  boost::beast::flat_buffer& buffer() { return buffer_; }

 private:
  Wait WaitFor(const bool& done, Clock::time_point deadline, const std::atomic<bool>* stop);
  // Closes the socket, which completes the pending operation with
  // operation_aborted, and runs that handler.
  void Abort();
  // An idle kept-alive connection can be reused unless the peer has closed it
  // (the engine's idle timeout) or sent bytes nobody asked for.
  bool IdleReusable();

  // Concurrency hint 1: only the owning thread ever runs it.
  boost::asio::io_context io_{1};
  Socket socket_{io_};
  boost::beast::flat_buffer buffer_;
};

}  // namespace libcontainer
