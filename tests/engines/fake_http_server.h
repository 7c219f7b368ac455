// A tiny scripted HTTP/1.1 server on a unix socket in a private temp dir, for
// testing HTTP clients without a real engine. Each accepted connection runs a
// test-supplied handler on its own thread; the handler reads requests and
// writes whatever bytes the test wants (fixed responses, chunked streams,
// garbage, silence, an early close).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace libcontainer {

struct FakeRequest {
  std::string method;
  std::string target;                          // path + query, as sent
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class FakeHttpServer;

// One accepted connection, handed to the handler.
class FakeConnection {
 public:
  FakeConnection(int fd, FakeHttpServer* server) : fd_(fd), server_(server) {}

  // Reads the next request (headers + Content-Length body). nullopt when the
  // peer closed, the server is stopping or the request is unparseable.
  std::optional<FakeRequest> ReadRequest();
  // Writes raw bytes; false once the peer is gone.
  bool Write(std::string_view bytes);
  // Convenience writers.
  bool WriteResponse(int status, std::string_view body, std::string_view content_type = "application/json",
                     bool keep_alive = true);
  bool WriteChunkedHeaders(int status = 200);
  bool WriteChunk(std::string_view data);  // empty data is skipped (it would end the body)
  bool EndChunks();
  // Blocks until the peer closes or the server stops (for "never answers").
  void WaitForPeerClose();
  // Closes the connection now (a server dying mid-response).
  void Close();

  int fd() const { return fd_; }

 private:
  int fd_;
  FakeHttpServer* server_;
  std::string buffered_;  // bytes read past the previous request
};

class FakeHttpServer {
 public:
  using Handler = std::function<void(FakeConnection&)>;

  // Starts listening at once on <tmpdir>/engine.sock.
  explicit FakeHttpServer(Handler handler);
  // Stops accepting, unblocks every handler, joins all threads and removes the dir.
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  const std::string& dir() const { return dir_; }
  bool stopping() const { return stopping_.load(); }

  // Every request a handler read, in order.
  std::vector<FakeRequest> requests() const;
  int connections() const { return connections_.load(); }

  // Common handlers.
  // Answers every request on the connection with the same response.
  static Handler Fixed(int status, std::string body, std::string content_type = "application/json");
  // Reads the request and never answers.
  static Handler Hang();

 private:
  friend class FakeConnection;
  void AcceptLoop();
  void Record(const FakeRequest& request);

  Handler handler_;
  std::string dir_;
  std::string socket_path_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<std::thread> handler_threads_;  // guarded by mu_
  std::vector<int> open_fds_;                 // guarded by mu_
  std::vector<FakeRequest> requests_;         // guarded by mu_
};

}  // namespace libcontainer
