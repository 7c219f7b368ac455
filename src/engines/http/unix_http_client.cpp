#include "engines/http/unix_http_client.h"

#include <array>
#include <boost/asio/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <limits>
#include <utility>

#include "engines/http/unix_socket_conn.h"

namespace libcontainer {
namespace {

namespace http = boost::beast::http;
using Clock = UnixSocketConn::Clock;
using Wait = UnixSocketConn::Wait;
using boost::system::error_code;

// An HTTP error body on a stream is only read for diagnostics; keep it short.
constexpr size_t kStreamErrorBodyBytes = 4096;
// How much of a body one read takes at most.
constexpr size_t kReadBytes = 16384;

http::request<http::string_body> MakeRequest(http::verb method, std::string_view path,
                                             const std::string_view* json_body) {
  std::string target;
  if (path.empty() || path.front() != '/') target += '/';
  target.append(path);
  http::request<http::string_body> request{method, target, 11};
  // Engines ignore the host on a unix socket, but HTTP/1.1 requires one.
  request.set(http::field::host, "localhost");
  if (json_body != nullptr) {
    request.set(http::field::content_type, "application/json");
    request.body().assign(json_body->data(), json_body->size());
  }
  // Content-Length, also "0" on an empty POST (docker wants one there); no
  // "Expect: 100-continue", so no extra round trip.
  request.prepare_payload();
  return request;
}

// After the headers, a stream that ends without a clean end of body is still
// "the server went away", not a client-side error.
bool IsServerGone(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
         ec == boost::asio::error::broken_pipe;
}

// Cuts a stream body into lines for on_line, whatever the chunk boundaries.
class LineSplitter {
 public:
  enum class Result { kMore, kStopped, kTooLong };

  LineSplitter(const std::function<void(std::string_view)>& on_line, const std::atomic<bool>& stop,
               size_t max_line_bytes)
      : on_line_(on_line), stop_(stop), max_line_bytes_(max_line_bytes) {}

  Result Feed(std::string_view chunk) {
    size_t newline;
    while ((newline = chunk.find('\n')) != std::string_view::npos) {
      // The cap holds for a line that ends within this chunk too, so the
      // outcome does not depend on how the stream was split (found by fuzzing).
      if (partial_.size() + newline > max_line_bytes_) return Result::kTooLong;
      if (partial_.empty()) {
        Emit(chunk.substr(0, newline));
      } else {
        partial_.append(chunk.substr(0, newline));
        Emit(partial_);
        partial_.clear();
      }
      chunk.remove_prefix(newline + 1);
      // Stop between lines so a watcher stopping itself from on_line is prompt.
      if (stop_.load(std::memory_order_relaxed)) return Result::kStopped;
    }
    if (partial_.size() + chunk.size() > max_line_bytes_) return Result::kTooLong;
    partial_.append(chunk);
    return Result::kMore;
  }

  // The body ended cleanly, so an unterminated last line is whole.
  void Finish() {
    if (!partial_.empty()) Emit(partial_);
    partial_.clear();
  }

 private:
  void Emit(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) on_line_(line);
  }

  const std::function<void(std::string_view)>& on_line_;
  const std::atomic<bool>& stop_;
  const size_t max_line_bytes_;
  std::string partial_;  // bytes after the last '\n'
};

// A stream's connection is never kept: it is left mid-message, or the caller
// moves on to other requests anyway. Also runs when on_line throws.
class CloseOnExit {
 public:
  explicit CloseOnExit(UnixSocketConn& conn) : conn_(conn) {}
  ~CloseOnExit() { conn_.Close(); }
  CloseOnExit(const CloseOnExit&) = delete;
  CloseOnExit& operator=(const CloseOnExit&) = delete;

 private:
  UnixSocketConn& conn_;
};

// Beast 1.74 compares the Content-Length against an unset (boost::none) body
// limit as if it were below it, so "no limit" is spelled as the largest one.
// Either way we cap bodies ourselves, in ReadBody's sinks.
constexpr std::uint64_t kNoBodyLimit = std::numeric_limits<std::uint64_t>::max();

// Reads the body of a response whose header `parser` holds, through one fixed
// buffer, handing every piece to `sink` until the body ends, `sink` returns
// false, a read fails (*ec) or a wait is cut short; `read_by()` is the
// deadline of each read. Nothing accumulates here, so a huge or endless body
// costs only what the sink keeps.
template <typename ReadBy, typename Sink>
Wait ReadBody(UnixSocketConn& conn, http::response_parser<http::buffer_body>& parser,
              const std::atomic<bool>* stop, const ReadBy& read_by, const Sink& sink, error_code* ec) {
  std::array<char, kReadBytes> buffer{};
  auto read_some = [&](auto handler) {
    http::async_read_some(conn.socket(), conn.buffer(), parser, std::move(handler));
  };
  while (!parser.is_done()) {
    parser.get().body().data = buffer.data();
    parser.get().body().size = buffer.size();
    const Wait wait = conn.Run(read_some, read_by(), stop, ec);
    if (wait != Wait::kDone) return wait;
    if (*ec == http::error::need_buffer) ec->clear();  // our buffer is full: not an error
    if (!sink(std::string_view(buffer.data(), buffer.size() - parser.get().body().size))) break;
    if (*ec) break;
  }
  return Wait::kDone;
}

}  // namespace

UnixHttpClient::UnixHttpClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}
UnixHttpClient::~UnixHttpClient() = default;
UnixHttpClient::UnixHttpClient(UnixHttpClient&&) noexcept = default;
UnixHttpClient& UnixHttpClient::operator=(UnixHttpClient&&) noexcept = default;

UnixSocketConn& UnixHttpClient::Conn() {
  if (!conn_) conn_ = std::make_unique<UnixSocketConn>();
  return *conn_;
}

std::string UnixHttpClient::Describe(const char* method, std::string_view path) const {
  std::string s = method;
  s += ' ';
  s.append(path);
  s += " on unix socket ";
  s += socket_path_;
  return s;
}

std::optional<HttpResponse> UnixHttpClient::Get(std::string_view path, std::chrono::milliseconds deadline,
                                                std::string* error, const std::atomic<bool>* stop) {
  return Perform("GET", path, nullptr, deadline, stop, error);
}

std::optional<HttpResponse> UnixHttpClient::Post(std::string_view path, std::string_view json_body,
                                                 std::chrono::milliseconds deadline, std::string* error) {
  return Perform("POST", path, &json_body, deadline, nullptr, error);
}

std::optional<HttpResponse> UnixHttpClient::Perform(const char* method, std::string_view path,
                                                    const std::string_view* json_body,
                                                    std::chrono::milliseconds deadline,
                                                    const std::atomic<bool>* stop, std::string* error) {
  UnixSocketConn& conn = Conn();
  const Clock::time_point until = Clock::now() + deadline;
  last_failure_ = Failure::kNone;
  auto fail = [&](Failure failure, const std::string& why) -> std::optional<HttpResponse> {
    conn.Close();  // whatever state it is in, it is not at a message boundary
    last_failure_ = failure;
    if (error) *error = Describe(method, path) + ": " + why;
    return std::nullopt;
  };
  // A wait cut short: by the deadline or by *stop.
  auto cut = [&](Wait wait) {
    return wait == Wait::kStopped
               ? fail(Failure::kStopped, "stopped")
               : fail(Failure::kTimedOut, "timed out after " + std::to_string(deadline.count()) + " ms");
  };

  const auto request =
      MakeRequest(json_body != nullptr ? http::verb::post : http::verb::get, path, json_body);
  error_code ec;
  bool retried = false;
  while (true) {
    bool reused = false;
    if (const Wait wait = conn.Connect(socket_path_, until, stop, &ec, &reused); wait != Wait::kDone) {
      return cut(wait);
    }
    if (ec) return fail(Failure::kTransport, "cannot connect: " + ec.message());
    // The engine may close a kept-alive connection just as we send on it (the
    // poll in Connect missed it by a hair); nothing was answered, so one more
    // try on a new connection is what any HTTP client does.
    auto stale = [&] { return reused && !retried && IsServerGone(ec); };

    auto write = [&](auto handler) { http::async_write(conn.socket(), request, std::move(handler)); };
    if (const Wait wait = conn.Run(write, until, stop, &ec); wait != Wait::kDone) return cut(wait);
    if (ec && stale()) {
      conn.Close();
      retried = true;
      continue;
    }
    if (ec) return fail(Failure::kTransport, "cannot send the request: " + ec.message());

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(kNoBodyLimit);
    auto read_header = [&](auto handler) {
      http::async_read_header(conn.socket(), conn.buffer(), parser, std::move(handler));
    };
    if (const Wait wait = conn.Run(read_header, until, stop, &ec); wait != Wait::kDone) return cut(wait);
    if (ec == http::error::end_of_stream && stale()) {  // closed before a single byte came back
      conn.Close();
      retried = true;
      continue;
    }
    if (ec) return fail(Failure::kTransport, ec.message());

    const std::string too_big = "response body exceeds " + std::to_string(max_body_bytes_) + " bytes";
    const auto length = parser.content_length();
    if (length && *length > max_body_bytes_) return fail(Failure::kTooLarge, too_big);  // without reading it
    HttpResponse response;
    bool overflow = false;
    auto keep = [&](std::string_view piece) {
      overflow = response.body.size() + piece.size() > max_body_bytes_;  // chunked, or until EOF
      if (!overflow) response.body.append(piece);
      return !overflow;
    };
    auto read_by = [until] { return until; };
    if (const Wait wait = ReadBody(conn, parser, stop, read_by, keep, &ec); wait != Wait::kDone) {
      return cut(wait);
    }
    if (overflow) return fail(Failure::kTooLarge, too_big);
    if (ec) return fail(Failure::kTransport, ec.message());

    response.status = parser.get().result_int();
    if (!parser.get().keep_alive()) conn.Close();
    return response;
  }
}

UnixHttpClient::StreamEnd UnixHttpClient::Stream(std::string_view path,
                                                 const std::function<void(std::string_view line)>& on_line,
                                                 const std::atomic<bool>& stop,
                                                 std::chrono::milliseconds connect_deadline,
                                                 std::chrono::milliseconds idle_timeout, std::string* error) {
  auto fail = [&](StreamEnd end, const std::string& why) {
    if (error) *error = Describe("GET", path) + ": " + why;
    return end;
  };
  if (stop.load()) return StreamEnd::kStopped;
  if (error) error->clear();
  UnixSocketConn& conn = Conn();
  const CloseOnExit close_on_exit(conn);

  // Connecting, sending and the response headers share connect_deadline.
  const Clock::time_point headers_by = Clock::now() + connect_deadline;
  const std::string no_headers =
      "no response headers within " + std::to_string(connect_deadline.count()) + " ms";
  error_code ec;
  Wait wait = conn.Connect(socket_path_, headers_by, &stop, &ec);
  if (wait == Wait::kStopped) return StreamEnd::kStopped;
  if (wait == Wait::kTimedOut) return fail(StreamEnd::kError, no_headers);
  if (ec) return fail(StreamEnd::kError, "cannot connect: " + ec.message());

  const auto request = MakeRequest(http::verb::get, path, nullptr);
  auto write = [&](auto handler) { http::async_write(conn.socket(), request, std::move(handler)); };
  wait = conn.Run(write, headers_by, &stop, &ec);
  if (wait == Wait::kStopped) return StreamEnd::kStopped;
  if (wait == Wait::kTimedOut) return fail(StreamEnd::kError, no_headers);
  if (ec) return fail(StreamEnd::kError, "cannot send the request: " + ec.message());

  // buffer_body: the body goes through our buffer as it arrives, chunked
  // framing already removed by Beast, and nothing accumulates.
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(kNoBodyLimit);  // an events stream has no end; lines are capped instead
  auto read_header = [&](auto handler) {
    http::async_read_header(conn.socket(), conn.buffer(), parser, std::move(handler));
  };
  wait = conn.Run(read_header, headers_by, &stop, &ec);
  if (wait == Wait::kStopped) return StreamEnd::kStopped;
  if (wait == Wait::kTimedOut) return fail(StreamEnd::kError, no_headers);
  if (ec) return fail(StreamEnd::kError, ec.message());

  const unsigned status = parser.get().result_int();
  const bool ok = status >= 200 && status < 300;
  std::string error_body;  // of a non-2xx response
  LineSplitter lines(on_line, stop, max_body_bytes_);
  std::optional<LineSplitter::Result> cut;  // why the sink stopped reading
  auto sink = [&](std::string_view piece) {
    if (!ok) {
      error_body.append(
          piece.substr(0, kStreamErrorBodyBytes - std::min(kStreamErrorBodyBytes, error_body.size())));
      return error_body.size() < kStreamErrorBodyBytes;
    }
    const LineSplitter::Result result = lines.Feed(piece);
    if (result != LineSplitter::Result::kMore) cut = result;
    return !cut;
  };
  auto read_by = [&] {
    return idle_timeout.count() > 0 ? Clock::now() + idle_timeout : Clock::time_point::max();
  };
  wait = ReadBody(conn, parser, &stop, read_by, sink, &ec);

  if (wait == Wait::kStopped || cut == LineSplitter::Result::kStopped) return StreamEnd::kStopped;
  if (cut == LineSplitter::Result::kTooLong) {
    return fail(StreamEnd::kError, "stream line exceeds " + std::to_string(max_body_bytes_) + " bytes");
  }
  // Even after an idle timeout: the status is what the caller needs to hear.
  if (!ok) return fail(StreamEnd::kHttpError, "HTTP " + std::to_string(status) + ": " + error_body);
  if (wait == Wait::kTimedOut) {
    return fail(StreamEnd::kIdleTimeout, "no data for " + std::to_string(idle_timeout.count()) + " ms");
  }
  if (ec) return fail(IsServerGone(ec) ? StreamEnd::kServerClosed : StreamEnd::kError, ec.message());
  lines.Finish();
  return StreamEnd::kServerClosed;
}

std::string UnixHttpClient::PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
        u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

const char* UnixHttpClient::StreamEndName(StreamEnd end) {
  switch (end) {
    case StreamEnd::kServerClosed:
      return "server_closed";
    case StreamEnd::kStopped:
      return "stopped";
    case StreamEnd::kError:
      return "error";
    case StreamEnd::kIdleTimeout:
      return "idle_timeout";
    case StreamEnd::kHttpError:
      return "http_error";
  }
  return "unknown";
}

}  // namespace libcontainer
