// The HTTP/1.1 reader of the docker and podman engines (UnixHttpClient: body
// cap, status, the events stream's line splitting over chunked or plain
// bodies). It only talks to a socket, so the input is served in-process: a
// unix socket in a private directory, one connection per input, answered with
// the input's bytes after the request, then closed. The first byte picks Get
// or Stream and a small or the default body/line cap.
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "engines/http/unix_http_client.h"
#include "fuzz_check.h"

namespace {

using std::chrono::milliseconds;

struct Listener {
  std::string path;
  int fd = -1;
};

// One listening socket for the whole run; accept() gives up after a second
// so that a client that never connects cannot hang the server thread.
const Listener& TheListener() {
  static const Listener listener = [] {
    Listener l;
    char dir[] = "/tmp/libcontainer-fuzz-http-XXXXXX";
    FUZZ_CHECK(mkdtemp(dir) != nullptr);
    l.path = std::string(dir) + "/engine.sock";
    // libFuzzer ends a run with exit(): leave no socket directory behind.
    static std::string directory = dir;
    std::atexit([] {
      unlink((directory + "/engine.sock").c_str());
      rmdir(directory.c_str());
    });
    l.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", l.path.c_str());
    FUZZ_CHECK(bind(l.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    FUZZ_CHECK(listen(l.fd, 4) == 0);
    timeval timeout{1, 0};
    setsockopt(l.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    return l;
  }();
  return listener;
}

// Reads the request head (the client sends no body on GET), answers, closes.
void ServeOnce(int listen_fd, std::string_view response) {
  const int fd = accept(listen_fd, nullptr, nullptr);
  if (fd < 0) return;
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string request;
  char buffer[1024];
  while (request.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    request.append(buffer, static_cast<size_t>(n));
  }
  while (!response.empty()) {
    const ssize_t n = send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    response.remove_prefix(static_cast<size_t>(n));
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Listener& listener = TheListener();
  const uint8_t selector = data[0];
  const std::string_view response(reinterpret_cast<const char*>(data + 1), size - 1);
  std::thread server(ServeOnce, listener.fd, response);

  libcontainer::UnixHttpClient client(listener.path);
  if ((selector & 2) != 0) client.set_max_body_bytes(64);
  std::string error;
  if ((selector & 1) == 0) {
    const auto got = client.Get("/containers/json", milliseconds(2000), &error);
    FUZZ_CHECK(got.has_value() || !error.empty());
    if (got) FUZZ_CHECK(got->body.size() <= client.max_body_bytes());
  } else {
    const std::atomic<bool> stop{false};
    auto on_line = [&](std::string_view line) {
      FUZZ_CHECK(!line.empty() && line.find('\n') == std::string_view::npos);
      FUZZ_CHECK(line.size() <= client.max_body_bytes());
    };
    (void)client.Stream("/events", on_line, stop, milliseconds(2000), milliseconds(1000), &error);
  }
  server.join();
  return 0;
}
