#include "engines/fake_http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace libcontainer {
namespace {

constexpr int kPollMs = 20;  // how often blocked handlers look at `stopping`
constexpr size_t kMaxRequestBytes = 16 << 20;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

}  // namespace

std::optional<FakeRequest> FakeConnection::ReadRequest() {
  // Read until the end of the headers, waking regularly to notice a stop.
  auto fill = [&]() -> bool {
    while (!server_->stopping()) {
      pollfd p{fd_, POLLIN, 0};
      const int r = poll(&p, 1, kPollMs);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      buffered_.append(buf, static_cast<size_t>(n));
      return buffered_.size() <= kMaxRequestBytes;
    }
    return false;
  };
  size_t end;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  FakeRequest req;
  std::string_view head(buffered_.data(), end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  req.method = std::string(request_line.substr(0, sp1));
  req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    req.headers[Lower(std::string(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  buffered_.erase(0, end + 4);
  size_t length = 0;
  if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
    length = std::strtoul(it->second.c_str(), nullptr, 10);
  }
  while (buffered_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  req.body = buffered_.substr(0, length);
  buffered_.erase(0, length);
  server_->Record(req);
  return req;
}

bool FakeConnection::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a client that went away must not kill the test with SIGPIPE.
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool FakeConnection::WriteResponse(int status, std::string_view body, std::string_view content_type,
                                   bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  out.append(body);
  return Write(out);
}

bool FakeConnection::WriteChunkedHeaders(int status) {
  return Write("HTTP/1.1 " + std::to_string(status) + " " + Reason(status) +
               "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
}

bool FakeConnection::WriteChunk(std::string_view data) {
  if (data.empty()) return true;
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out.append(data);
  out += "\r\n";
  return Write(out);
}

bool FakeConnection::EndChunks() {
  return Write("0\r\n\r\n");
}

void FakeConnection::WaitForPeerClose() {
  while (!server_->stopping()) {
    pollfd p{fd_, POLLIN, 0};
    const int r = poll(&p, 1, kPollMs);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return;  // closed (or reset)
  }
}

void FakeConnection::Close() {
  shutdown(fd_, SHUT_RDWR);
}

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  char tmpl[] = "/tmp/libcontainer-http-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  socket_path_ = dir_ + "/engine.sock";

  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path_.c_str());
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 16) != 0) {
    close(listen_fd_);
    throw std::runtime_error("bind/listen failed: " + std::string(std::strerror(errno)));
  }
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

FakeHttpServer::~FakeHttpServer() {
  stopping_.store(true);
  accept_thread_.join();
  {
    // Wake handlers blocked in send/recv; they also poll `stopping_`.
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : handler_threads_) t.join();
  for (int fd : open_fds_) close(fd);
  close(listen_fd_);
  unlink(socket_path_.c_str());
  rmdir(dir_.c_str());
}

void FakeHttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.fetch_add(1);
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    handler_threads_.emplace_back([this, fd] {
      FakeConnection conn(fd, this);
      handler_(conn);
      // Closing is left to the destructor so fd numbers are never reused
      // while the destructor may still shut them down; a shutdown tells the
      // client the response is over.
      shutdown(fd, SHUT_RDWR);
    });
  }
}

void FakeHttpServer::Record(const FakeRequest& request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

FakeHttpServer::Handler FakeHttpServer::Fixed(int status, std::string body, std::string content_type) {
  return [status, body = std::move(body), content_type = std::move(content_type)](FakeConnection& conn) {
    while (conn.ReadRequest()) {
      if (!conn.WriteResponse(status, body, content_type)) return;
    }
  };
}

FakeHttpServer::Handler FakeHttpServer::Hang() {
  return [](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WaitForPeerClose();
  };
}

}  // namespace libcontainer
