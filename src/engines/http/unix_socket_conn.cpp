#include "engines/http/unix_socket_conn.h"

#include <poll.h>

#include <algorithm>
#include <boost/system/system_error.hpp>

namespace libcontainer {
namespace {

// The longest a wait sleeps before looking at the stop flag and the deadline
// again; well inside the 100 ms the stream contract promises.
constexpr std::chrono::milliseconds kPollSlice{50};

}  // namespace

UnixSocketConn::Wait UnixSocketConn::Connect(const std::string& path, Clock::time_point deadline,
                                             const std::atomic<bool>* stop, boost::system::error_code* ec,
                                             bool* reused) {
  ec->clear();
  const bool reuse = socket_.is_open() && IdleReusable();
  if (reused != nullptr) *reused = reuse;
  if (reuse) return Wait::kDone;
  Close();
  Socket::endpoint_type endpoint;
  try {
    endpoint = Socket::endpoint_type(path);
  } catch (const boost::system::system_error& e) {  // a path too long for sockaddr_un
    *ec = e.code();
    return Wait::kDone;
  }
  const Wait wait =
      Run([&](auto handler) { socket_.async_connect(endpoint, std::move(handler)); }, deadline, stop, ec);
  if (wait == Wait::kDone && *ec) Close();
  return wait;
}

void UnixSocketConn::Close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  buffer_.clear();
}

UnixSocketConn::Wait UnixSocketConn::WaitFor(const bool& done, Clock::time_point deadline,
                                             const std::atomic<bool>* stop) {
  while (!done) {
    if (stop != nullptr && stop->load()) {
      Abort();
      return Wait::kStopped;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      Abort();
      return Wait::kTimedOut;
    }
    // run_one_for returns once a handler ran or the slice is over; restart()
    // because the context stops itself whenever it runs out of work.
    io_.restart();
    io_.run_one_for(std::min<Clock::duration>(deadline - now, kPollSlice));
  }
  return Wait::kDone;
}

void UnixSocketConn::Abort() {
  Close();
  io_.restart();
  io_.run();  // the aborted handler (and nothing else: there is no other work)
}

bool UnixSocketConn::IdleReusable() {
  if (buffer_.size() != 0) return false;
  pollfd p{socket_.native_handle(), POLLIN, 0};
  // Readable on an idle connection means EOF, an error or stray bytes.
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace libcontainer
