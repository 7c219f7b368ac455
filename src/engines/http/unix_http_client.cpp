#include "engines/http/unix_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

namespace libcontainer {
namespace {

using Clock = std::chrono::steady_clock;

// The stream loop wakes at least this often to look at `stop` and the timers.
constexpr std::chrono::milliseconds kStreamPollInterval{100};
// An HTTP error body on a stream is only read for diagnostics; keep it short.
constexpr size_t kStreamErrorBodyBytes = 4096;

// curl_global_init is not guaranteed thread-safe on every libcurl build, so it
// runs exactly once behind a function-local static. Never cleaned up: the
// plugin may be unloaded while other libraries in the process still use curl.
bool EnsureCurlGlobalInit() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

std::string NormalizedUrl(std::string_view path) {
  std::string url = "http://localhost";
  if (path.empty() || path.front() != '/') url += '/';
  url.append(path);
  return url;
}

// libcurl reports a missing or refusing socket as a generic connect failure;
// the errno says which.
std::string CurlFailure(CURL* curl, CURLcode code, const char* error_buffer) {
  long os_errno = 0;  // NOLINT(runtime/int)
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
  // curl's own text says "localhost port 80", which misleads for a unix socket.
  if (code == CURLE_COULDNT_CONNECT && os_errno != 0) {
    return std::string("cannot connect: ") + std::strerror(static_cast<int>(os_errno));
  }
  std::string message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (os_errno != 0) {
    message += " (";
    message += std::strerror(static_cast<int>(os_errno));
    message += ")";
  }
  return message;
}

long ClampMs(std::chrono::milliseconds ms) {  // NOLINT(runtime/int)
  // 0 means "no timeout" to libcurl; a caller's zero deadline means "expired".
  return static_cast<long>(std::max<std::chrono::milliseconds::rep>(ms.count(), 1));  // NOLINT
}

struct BodySink {
  std::string* body = nullptr;
  size_t max_bytes = 0;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (sink->body->size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
}

// State shared with the stream callbacks, all on the calling thread.
struct StreamState {
  const std::function<void(std::string_view)>* on_line = nullptr;
  const std::atomic<bool>* stop = nullptr;
  size_t max_line_bytes = 0;
  CURL* curl = nullptr;

  Clock::time_point last_byte;
  bool headers_done = false;
  long status = 0;         // NOLINT(runtime/int)
  std::string partial;     // bytes after the last '\n'
  std::string error_body;  // body of a non-2xx response
  bool line_too_long = false;
  bool stopped_in_callback = false;
  std::exception_ptr callback_exception;
};

void EmitLine(StreamState& st, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.empty()) (*st.on_line)(line);
}

size_t StreamHeader(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<StreamState*>(user);
  const size_t n = size * count;
  st->last_byte = Clock::now();
  std::string_view header(data, n);
  // The blank line ends a header block; 1xx blocks are followed by another.
  if (header == "\r\n" || header == "\n") {
    long status = 0;  // NOLINT(runtime/int)
    curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200) {
      st->status = status;
      st->headers_done = true;
    }
  }
  return n;
}

size_t StreamBody(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<StreamState*>(user);
  const size_t n = size * count;
  st->last_byte = Clock::now();
  if (st->status < 200 || st->status >= 300) {
    const size_t room = kStreamErrorBodyBytes - std::min(kStreamErrorBodyBytes, st->error_body.size());
    st->error_body.append(data, std::min(room, n));
    return n;
  }
  std::string_view chunk(data, n);
  try {
    size_t newline;
    while ((newline = chunk.find('\n')) != std::string_view::npos) {
      // The cap holds for a line that ends within this write too, so the
      // outcome does not depend on how the stream was split (found by fuzzing).
      if (st->partial.size() + newline > st->max_line_bytes) {
        st->line_too_long = true;
        return 0;
      }
      if (st->partial.empty()) {
        EmitLine(*st, chunk.substr(0, newline));
      } else {
        st->partial.append(chunk.substr(0, newline));
        EmitLine(*st, st->partial);
        st->partial.clear();
      }
      chunk.remove_prefix(newline + 1);
      // Stop between lines so a watcher stopping itself from on_line is prompt.
      if (st->stop->load(std::memory_order_relaxed)) {
        st->stopped_in_callback = true;
        return 0;
      }
    }
  } catch (...) {
    st->callback_exception = std::current_exception();
    return 0;
  }
  if (st->partial.size() + chunk.size() > st->max_line_bytes) {
    st->line_too_long = true;
    return 0;
  }
  st->partial.append(chunk);
  return n;
}

// After the headers, a stream that ends without a clean chunked terminator is
// still "the server went away", not a client-side error.
bool IsServerGone(CURLcode code) {
  return code == CURLE_OK || code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
         code == CURLE_GOT_NOTHING;
}

}  // namespace

void UnixHttpClient::CurlDeleter::operator()(void* handle) const {
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

UnixHttpClient::UnixHttpClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}
UnixHttpClient::~UnixHttpClient() = default;
UnixHttpClient::UnixHttpClient(UnixHttpClient&&) noexcept = default;
UnixHttpClient& UnixHttpClient::operator=(UnixHttpClient&&) noexcept = default;

std::string UnixHttpClient::Describe(const char* method, std::string_view path) const {
  std::string s = method;
  s += ' ';
  s.append(path);
  s += " on unix socket ";
  s += socket_path_;
  return s;
}

void* UnixHttpClient::PrepareHandle(std::string_view path, char* error_buffer) {
  if (!EnsureCurlGlobalInit()) return nullptr;
  if (!curl_) curl_.reset(curl_easy_init());
  CURL* curl = static_cast<CURL*>(curl_.get());
  if (curl == nullptr) return nullptr;
  // Reset keeps the connection cache, so the engine connection is reused.
  curl_easy_reset(curl);
  error_buffer[0] = '\0';
  const std::string url = NormalizedUrl(path);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());  // libcurl copies strings
  curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // signals and threads don't mix
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));  // NOLINT
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  return curl;
}

std::optional<HttpResponse> UnixHttpClient::Get(std::string_view path, std::chrono::milliseconds deadline,
                                                std::string* error) {
  return Perform("GET", path, nullptr, deadline, error);
}

std::optional<HttpResponse> UnixHttpClient::Post(std::string_view path, std::string_view json_body,
                                                 std::chrono::milliseconds deadline, std::string* error) {
  return Perform("POST", path, &json_body, deadline, error);
}

std::optional<HttpResponse> UnixHttpClient::Perform(const char* method, std::string_view path,
                                                    const std::string_view* json_body,
                                                    std::chrono::milliseconds deadline, std::string* error) {
  char error_buffer[CURL_ERROR_SIZE];
  CURL* curl = static_cast<CURL*>(PrepareHandle(path, error_buffer));
  if (curl == nullptr) {
    if (error) *error = Describe(method, path) + ": cannot initialize libcurl";
    return std::nullopt;
  }
  HttpResponse response;
  BodySink sink{&response.body, max_body_bytes_};
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ClampMs(deadline));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ClampMs(deadline));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);

  curl_slist* headers = nullptr;
  if (json_body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body->size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body->data());  // not copied; lives until perform ends
  }
  const CURLcode code = curl_easy_perform(curl);
  // Drop the pointers into this frame before the handle outlives it.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);

  if (code != CURLE_OK) {
    if (error) {
      *error = Describe(method, path) + ": ";
      if (sink.overflow) {
        *error += "response body exceeds " + std::to_string(max_body_bytes_) + " bytes";
      } else {
        *error += CurlFailure(curl, code, error_buffer);
      }
    }
    return std::nullopt;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
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

  char error_buffer[CURL_ERROR_SIZE];
  CURL* curl = static_cast<CURL*>(PrepareHandle(path, error_buffer));
  if (curl == nullptr) return fail(StreamEnd::kError, "cannot initialize libcurl");
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return fail(StreamEnd::kError, "cannot initialize libcurl");

  StreamState st;
  st.on_line = &on_line;
  st.stop = &stop;
  st.max_line_bytes = max_body_bytes_;
  st.curl = curl;
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ClampMs(connect_deadline));
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &StreamHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &StreamBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &st);
  curl_multi_add_handle(multi, curl);

  // Our own loop rather than curl_easy_perform + a progress callback: libcurl
  // calls the progress callback only about once a second on an idle stream,
  // too slow for a prompt Stop().
  const Clock::time_point start = Clock::now();
  st.last_byte = start;
  std::optional<StreamEnd> end;
  std::string why;
  int running = 1;
  while (true) {
    const CURLMcode mc = curl_multi_perform(multi, &running);
    if (mc != CURLM_OK) {
      end = StreamEnd::kError;
      why = curl_multi_strerror(mc);
      break;
    }
    if (running == 0) break;
    const Clock::time_point now = Clock::now();
    if (stop.load()) {
      end = StreamEnd::kStopped;
      break;
    }
    if (!st.headers_done && now - start >= connect_deadline) {
      end = StreamEnd::kError;
      why = "no response headers within " + std::to_string(connect_deadline.count()) + " ms";
      break;
    }
    if (st.headers_done && idle_timeout.count() > 0 && now - st.last_byte >= idle_timeout) {
      end = (st.status >= 200 && st.status < 300) ? StreamEnd::kIdleTimeout : StreamEnd::kHttpError;
      why = "no data for " + std::to_string(idle_timeout.count()) + " ms";
      break;
    }
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(kStreamPollInterval.count()), nullptr);
  }

  CURLcode code = CURLE_OK;
  if (!end) {
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
      if (msg->msg == CURLMSG_DONE) code = msg->data.result;
    }
  }
  std::string curl_why = code != CURLE_OK ? CurlFailure(curl, code, error_buffer) : std::string();
  curl_multi_remove_handle(multi, curl);  // an unfinished connection is closed here
  curl_multi_cleanup(multi);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);

  if (st.callback_exception) std::rethrow_exception(st.callback_exception);
  if (error) error->clear();
  if (end == StreamEnd::kStopped) return StreamEnd::kStopped;
  if (st.stopped_in_callback) return StreamEnd::kStopped;
  if (st.line_too_long) {
    return fail(StreamEnd::kError, "stream line exceeds " + std::to_string(max_body_bytes_) + " bytes");
  }
  const bool http_error = st.headers_done && (st.status < 200 || st.status >= 300);
  if (http_error) {
    return fail(StreamEnd::kHttpError, "HTTP " + std::to_string(st.status) + ": " + st.error_body);
  }
  if (end) return fail(*end, why);
  if (!st.headers_done) {
    return fail(StreamEnd::kError, code != CURLE_OK ? curl_why : "no response from server");
  }
  if (IsServerGone(code)) {
    // The last unterminated line is whole only if the body ended cleanly.
    if (code == CURLE_OK && !st.partial.empty()) EmitLine(st, st.partial);
    if (code != CURLE_OK) return fail(StreamEnd::kServerClosed, curl_why);
    return StreamEnd::kServerClosed;
  }
  return fail(StreamEnd::kError, curl_why);
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
