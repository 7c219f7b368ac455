// A small HTTP/1.1 client over a unix socket, shared by the docker and podman
// watchers. Built on Boost.Beast over Boost.Asio local sockets (header-only,
// so the plugin links no HTTP library); TCP and proxies are never used. Every
// call has a deadline so a hung engine cannot block a watcher thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace libcontainer {

class UnixSocketConn;  // keeps Boost out of every includer

struct HttpResponse {
  long status = 0;  // NOLINT(runtime/int): long since the libcurl days; callers rely on it
  std::string body;
};

// Not thread-safe: each watcher thread owns its own client. The client keeps
// its connection open between calls while the server allows (keep-alive), so
// consecutive calls reuse it.
class UnixHttpClient {
 public:
  // Default cap on a response body, and on one line of a stream.
  static constexpr size_t kDefaultMaxBodyBytes = size_t{64} << 20;

  explicit UnixHttpClient(std::string socket_path);
  ~UnixHttpClient();
  UnixHttpClient(UnixHttpClient&&) noexcept;
  UnixHttpClient& operator=(UnixHttpClient&&) noexcept;
  UnixHttpClient(const UnixHttpClient&) = delete;
  UnixHttpClient& operator=(const UnixHttpClient&) = delete;

  // Why the last Get or Post returned nullopt.
  enum class Failure { kNone, kTransport, kTimedOut, kTooLarge, kStopped };

  // GET/POST with a deadline on the whole call (connect + response), so an
  // engine that answers a byte at a time cannot hold the caller longer than
  // that. nullopt + *error on transport failure, timeout, missing socket, a
  // body over the cap (refused unread when its Content-Length says so) or
  // *stop turning true (checked at least every 100 ms; null: no stop flag);
  // last_failure() says which. An HTTP error status is a response, not a
  // failure. `path` starts with '/' and is already percent-encoded (see
  // PercentEncode).
  std::optional<HttpResponse> Get(std::string_view path, std::chrono::milliseconds deadline,
                                  std::string* error, const std::atomic<bool>* stop = nullptr);
  std::optional<HttpResponse> Post(std::string_view path, std::string_view json_body,
                                   std::chrono::milliseconds deadline, std::string* error);
  Failure last_failure() const { return last_failure_; }

  // Streams a long-lived GET (docker/podman /events): on_line is called for
  // every complete non-empty line of the body as it arrives (a trailing '\r'
  // is dropped; a final unterminated line is delivered only if the stream
  // ended cleanly). Returns when the server ends the stream or the connection
  // breaks after the headers (kServerClosed; *error says how if not clean),
  // `stop` becomes true (checked at least every 100 ms, and after every line),
  // no byte arrives for `idle_timeout` (0 = none), the response headers do not
  // arrive within `connect_deadline` or the transport fails (kError), or the
  // status is not 2xx (kHttpError; *error holds status and body). An
  // exception thrown by on_line ends the stream and is rethrown.
  enum class StreamEnd { kServerClosed, kStopped, kError, kIdleTimeout, kHttpError };
  StreamEnd Stream(std::string_view path, const std::function<void(std::string_view line)>& on_line,
                   const std::atomic<bool>& stop, std::chrono::milliseconds connect_deadline,
                   std::chrono::milliseconds idle_timeout, std::string* error);

  const std::string& socket_path() const { return socket_path_; }

  size_t max_body_bytes() const { return max_body_bytes_; }
  void set_max_body_bytes(size_t bytes) { max_body_bytes_ = bytes; }

  // Percent-encodes everything but RFC 3986 unreserved characters, for query
  // values such as docker's JSON `filters`.
  static std::string PercentEncode(std::string_view value);

  static const char* StreamEndName(StreamEnd end);

  // "GET <path> on unix socket <socket>", the start of every error message.
  std::string Describe(const char* method, std::string_view path) const;

 private:
  std::optional<HttpResponse> Perform(const char* method, std::string_view path,
                                      const std::string_view* json_body, std::chrono::milliseconds deadline,
                                      const std::atomic<bool>* stop, std::string* error);
  UnixSocketConn& Conn();

  std::string socket_path_;
  size_t max_body_bytes_ = kDefaultMaxBodyBytes;
  Failure last_failure_ = Failure::kNone;
  std::unique_ptr<UnixSocketConn> conn_;  // created lazily; not movable itself
};

}  // namespace libcontainer
