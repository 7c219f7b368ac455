#include "engines/http/unix_http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "engines/fake_http_server.h"

namespace libcontainer {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using StreamEnd = UnixHttpClient::StreamEnd;

// Guards against hangs only; the tests assert that calls return, not how fast.
constexpr auto kHangGuard = 10s;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Collects the lines a stream delivers.
struct Lines {
  std::vector<std::string> lines;
  std::function<void(std::string_view)> Sink() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

// Spins (bounded) until `flag` is set by another thread.
bool WaitFor(const std::atomic<bool>& flag, std::chrono::milliseconds limit = 5s) {
  const auto start = Clock::now();
  while (!flag.load()) {
    if (Clock::now() - start > limit) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(UnixHttpClientTest, GetReturnsStatusAndBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, R"({"ok":true})"));
  UnixHttpClient client(server.socket_path());
  EXPECT_EQ(client.socket_path(), server.socket_path());
  std::string error;
  auto response = client.Get("/v1.41/containers/json?all=1", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"ok":true})");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/v1.41/containers/json?all=1");
  EXPECT_EQ(requests[0].headers.at("host"), "localhost");
}

TEST(UnixHttpClientTest, HttpErrorStatusIsAResponse) {
  FakeHttpServer server(FakeHttpServer::Fixed(404, R"({"message":"No such container: abc"})"));
  UnixHttpClient client(server.socket_path());
  std::string error;
  auto response = client.Get("/containers/abc/json", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"message":"No such container: abc"})");
}

TEST(UnixHttpClientTest, EmptyBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(204, ""));
  UnixHttpClient client(server.socket_path());
  std::string error;
  auto response = client.Get("/_ping", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->body, "");
}

TEST(UnixHttpClientTest, ConsecutiveCallsReuseTheConnection) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, "OK", "text/plain"));
  UnixHttpClient client(server.socket_path());
  std::string error;
  for (int i = 0; i < 3; ++i) {
    auto response = client.Get("/_ping", 2s, &error);
    ASSERT_TRUE(response) << error;
    EXPECT_EQ(response->body, "OK");
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(UnixHttpClientTest, KeptAliveConnectionClosedByServerIsReplaced) {
  // Keep-alive is promised, then the connection is closed (an engine's idle
  // timeout): the next call must not fail on it, whether the client notices
  // the close before sending or only when no answer comes.
  FakeHttpServer server([](FakeConnection& conn) {
    if (conn.ReadRequest()) conn.WriteResponse(200, "once");
    conn.Close();
  });
  UnixHttpClient client(server.socket_path());
  std::string error;
  for (int i = 0; i < 3; ++i) {
    auto response = client.Get("/_ping", 2s, &error);
    ASSERT_TRUE(response) << error;
    EXPECT_EQ(response->body, "once");
  }
  EXPECT_EQ(server.connections(), 3);
}

TEST(UnixHttpClientTest, MissingSocketFailsFastNamingThePath) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, ""));  // only for its temp dir
  const std::string missing = server.dir() + "/absent.sock";
  UnixHttpClient client(missing);
  std::string error;
  const auto start = Clock::now();
  EXPECT_FALSE(client.Get("/_ping", 60s, &error));
  EXPECT_LT(Since(start), kHangGuard);
  EXPECT_NE(error.find(missing), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

TEST(UnixHttpClientTest, PathThatIsNotASocketFails) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, ""));
  UnixHttpClient client(server.dir());  // a directory
  std::string error;
  EXPECT_FALSE(client.Get("/_ping", 2s, &error));
  EXPECT_NE(error.find(server.dir()), std::string::npos) << error;
}

TEST(UnixHttpClientTest, HangingServerTimesOutWithinDeadline) {
  FakeHttpServer server(FakeHttpServer::Hang());
  UnixHttpClient client(server.socket_path());
  std::string error;
  const auto deadline = 200ms;
  const auto start = Clock::now();
  EXPECT_FALSE(client.Get("/_ping", deadline, &error));
  EXPECT_LT(Since(start), kHangGuard);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  EXPECT_NE(error.find(server.socket_path()), std::string::npos) << error;

  error.clear();
  EXPECT_FALSE(client.Post("/containers/create", "{}", deadline, &error));
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

TEST(UnixHttpClientTest, ServerTrickleOverDeadlineTimesOut) {
  // Headers arrive, the body never completes: the deadline covers the whole call.
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    conn.WaitForPeerClose();
  });
  UnixHttpClient client(server.socket_path());
  std::string error;
  const auto start = Clock::now();
  EXPECT_FALSE(client.Get("/x", 200ms, &error));
  EXPECT_LT(Since(start), kHangGuard);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

TEST(UnixHttpClientTest, PostSendsJsonBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(201, R"({"Id":"abc"})"));
  UnixHttpClient client(server.socket_path());
  std::string error;
  const std::string body = R"({"Image":"busybox","HostConfig":{"NetworkMode":"none"}})";
  auto response = client.Post("/v1.41/containers/create?name=probe", body, 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"Id":"abc"})");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1.41/containers/create?name=probe");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].body, body);
  EXPECT_EQ(requests[0].headers.count("expect"), 0u);
}

TEST(UnixHttpClientTest, PostWithEmptyBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(204, ""));
  UnixHttpClient client(server.socket_path());
  std::string error;
  auto response = client.Post("/containers/abc/start", "", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->status, 204);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].headers.at("content-length"), "0");
}

TEST(UnixHttpClientTest, MalformedResponseFails) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Write("this is not http\r\n\r\n");
  });
  UnixHttpClient client(server.socket_path());
  std::string error;
  EXPECT_FALSE(client.Get("/_ping", 2s, &error));
  EXPECT_FALSE(error.empty());
}

TEST(UnixHttpClientTest, ServerClosingWithoutAnswerFails) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Close();
  });
  UnixHttpClient client(server.socket_path());
  std::string error;
  EXPECT_FALSE(client.Get("/_ping", 2s, &error));
  EXPECT_NE(error.find(server.socket_path()), std::string::npos) << error;
}

TEST(UnixHttpClientTest, TruncatedBodyFails) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
    conn.Close();
  });
  UnixHttpClient client(server.socket_path());
  std::string error;
  EXPECT_FALSE(client.Get("/x", 2s, &error));
  EXPECT_FALSE(error.empty());
}

TEST(UnixHttpClientTest, BodyOverCapFails) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, std::string(4096, 'x')));
  UnixHttpClient client(server.socket_path());
  client.set_max_body_bytes(1024);
  std::string error;
  EXPECT_FALSE(client.Get("/big", 2s, &error));
  EXPECT_NE(error.find("exceeds 1024 bytes"), std::string::npos) << error;

  // A body at the cap is fine, and the client still works after an overflow.
  client.set_max_body_bytes(4096);
  auto response = client.Get("/big", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->body.size(), 4096u);
}

TEST(UnixHttpClientTest, ChunkedStreamDeliversLinesInOrder) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    // Chunk boundaries deliberately fall inside lines.
    for (std::string_view piece : {R"({"id":"1"})"
                                   "\n"
                                   R"({"id":)",
                                   R"("2"})", "\n",
                                   R"({"id":"3"})"
                                   "\r\n\n"
                                   R"({"id":"4"})"
                                   "\n"}) {
      conn.WriteChunk(piece);
      std::this_thread::sleep_for(20ms);  // separate reads on the client side
    }
    conn.EndChunks();
    conn.WaitForPeerClose();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  const StreamEnd end = client.Stream("/v1.41/events", got.Sink(), stop, 2s, 0ms, &error);
  EXPECT_EQ(end, StreamEnd::kServerClosed) << UnixHttpClient::StreamEndName(end) << " " << error;
  EXPECT_EQ(error, "");
  // CRLF is trimmed and the blank line skipped.
  EXPECT_EQ(got.lines,
            (std::vector<std::string>{R"({"id":"1"})", R"({"id":"2"})", R"({"id":"3"})", R"({"id":"4"})"}));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/v1.41/events");
}

TEST(UnixHttpClientTest, StreamLinesArriveUnbuffered) {
  // The server sends the second line only after the client has seen the
  // first: a client that buffered would never finish.
  std::atomic<bool> first_seen{false};
  FakeHttpServer server([&](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("first\n");
    if (!WaitFor(first_seen)) return;
    conn.WriteChunk("second\n");
    conn.EndChunks();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  std::vector<std::string> lines;
  std::string error;
  const StreamEnd end = client.Stream(
      "/events",
      [&](std::string_view line) {
        lines.emplace_back(line);
        first_seen.store(true);
      },
      stop, 2s, 3s, &error);
  EXPECT_EQ(end, StreamEnd::kServerClosed) << error;
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second"}));
}

TEST(UnixHttpClientTest, CleanEndDeliversUnterminatedLastLine) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("a\nb");
    conn.EndChunks();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kServerClosed);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"a", "b"}));
}

TEST(UnixHttpClientTest, StreamOverContentLengthBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, "x\ny\n"));
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kServerClosed);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"x", "y"}));
}

TEST(UnixHttpClientTest, StopFlagEndsABlockedStream) {
  std::atomic<bool> first_seen{false};
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("only\n");
    conn.WaitForPeerClose();  // then silence: the client is blocked reading
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Clock::time_point stop_time;
  std::thread stopper([&] {
    WaitFor(first_seen);
    std::this_thread::sleep_for(150ms);
    stop_time = Clock::now();
    stop.store(true);
  });
  std::vector<std::string> lines;
  std::string error;
  const StreamEnd end = client.Stream(
      "/events",
      [&](std::string_view line) {
        lines.emplace_back(line);
        first_seen.store(true);
      },
      stop, 60s, 0ms, &error);
  const auto returned = Clock::now();
  stopper.join();
  EXPECT_EQ(end, StreamEnd::kStopped) << error;
  EXPECT_EQ(lines, (std::vector<std::string>{"only"}));
  // Ended by the stop flag, long before the 60 s deadline.
  EXPECT_LT(returned - stop_time, kHangGuard);
}

TEST(UnixHttpClientTest, StopFlagEndsAStreamWaitingForHeaders) {
  FakeHttpServer server(FakeHttpServer::Hang());
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stop.store(true);
  });
  Lines got;
  std::string error;
  const auto start = Clock::now();
  const StreamEnd end = client.Stream("/events", got.Sink(), stop, 30s, 0ms, &error);
  stopper.join();
  EXPECT_EQ(end, StreamEnd::kStopped) << error;
  EXPECT_LT(Since(start), kHangGuard);
}

TEST(UnixHttpClientTest, StopAlreadySetReturnsAtOnce) {
  FakeHttpServer server(FakeHttpServer::Hang());
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{true};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kStopped);
  EXPECT_EQ(server.connections(), 0);
}

TEST(UnixHttpClientTest, StopSetFromOnLineEndsStreamAfterThatLine) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("1\n2\n3\n");
    conn.WaitForPeerClose();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  std::vector<std::string> lines;
  std::string error;
  const StreamEnd end = client.Stream(
      "/events",
      [&](std::string_view line) {
        lines.emplace_back(line);
        stop.store(true);
      },
      stop, 2s, 0ms, &error);
  EXPECT_EQ(end, StreamEnd::kStopped) << error;
  EXPECT_EQ(lines, (std::vector<std::string>{"1"}));
}

TEST(UnixHttpClientTest, ServerClosingMidStreamDeliversCompleteLines) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("one\ntwo\n");
    std::this_thread::sleep_for(20ms);
    conn.WriteChunk("thr");  // cut off mid-line, no terminating chunk
    conn.Close();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  const StreamEnd end = client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error);
  EXPECT_EQ(end, StreamEnd::kServerClosed) << UnixHttpClient::StreamEndName(end) << " " << error;
  EXPECT_EQ(got.lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_FALSE(error.empty());  // says how the stream broke
}

TEST(UnixHttpClientTest, IdleStreamTimesOut) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("hello\n");
    conn.WaitForPeerClose();
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  const auto start = Clock::now();
  const StreamEnd end = client.Stream("/events", got.Sink(), stop, 2s, 200ms, &error);
  EXPECT_EQ(end, StreamEnd::kIdleTimeout) << error;
  EXPECT_GE(Since(start), 200ms);
  EXPECT_LT(Since(start), kHangGuard);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"hello"}));
}

TEST(UnixHttpClientTest, StreamHeadersMustArriveWithinConnectDeadline) {
  FakeHttpServer server(FakeHttpServer::Hang());
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  const auto start = Clock::now();
  // idle_timeout does not apply before the headers.
  const StreamEnd end = client.Stream("/events", got.Sink(), stop, 200ms, 50ms, &error);
  EXPECT_EQ(end, StreamEnd::kError);
  EXPECT_LT(Since(start), kHangGuard);
  EXPECT_NE(error.find("no response headers within 200 ms"), std::string::npos) << error;
}

TEST(UnixHttpClientTest, StreamHttpErrorCarriesStatusAndBody) {
  FakeHttpServer server(FakeHttpServer::Fixed(400, R"({"message":"client version 1.43 is too new"})"));
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/v1.43/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kHttpError);
  EXPECT_TRUE(got.lines.empty());
  EXPECT_NE(error.find("HTTP 400"), std::string::npos) << error;
  EXPECT_NE(error.find("too new"), std::string::npos) << error;
}

TEST(UnixHttpClientTest, StreamMissingSocketIsAnError) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, ""));
  const std::string missing = server.dir() + "/absent.sock";
  UnixHttpClient client(missing);
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kError);
  EXPECT_NE(error.find(missing), std::string::npos) << error;
}

TEST(UnixHttpClientTest, StreamMalformedResponseIsAnError) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Write("garbage\r\n\r\n");
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  EXPECT_EQ(client.Stream("/events", got.Sink(), stop, 2s, 0ms, &error), StreamEnd::kError);
  EXPECT_FALSE(error.empty());
}

// /events streamed from `server` with a 256-byte cap on lines and body.
struct CappedStream {
  StreamEnd end;
  std::vector<std::string> lines;
  std::string error;
};
CappedStream StreamWithCap256(const FakeHttpServer& server, std::chrono::milliseconds idle_timeout) {
  UnixHttpClient client(server.socket_path());
  client.set_max_body_bytes(256);
  std::atomic<bool> stop{false};
  Lines got;
  CappedStream result;
  result.end = client.Stream("/events", got.Sink(), stop, 2s, idle_timeout, &result.error);
  result.lines = got.lines;
  return result;
}

TEST(UnixHttpClientTest, StreamLineOverCapIsAnError) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("short\n");
    conn.WriteChunk(std::string(300, 'x'));  // never terminated
    conn.WaitForPeerClose();
  });
  const CappedStream got = StreamWithCap256(server, 0ms);
  EXPECT_EQ(got.end, StreamEnd::kError);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"short"}));
  EXPECT_NE(got.error.find("exceeds 256 bytes"), std::string::npos) << got.error;
}

// The cap holds for every line, not only for the one a write leaves unfinished:
// a long line that ends inside the same write used to be delivered, so the
// outcome depended on how the stream was split into writes.
TEST(UnixHttpClientTest, StreamLineOverCapEndingInOneWriteIsAnError) {
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.WriteChunkedHeaders();
    conn.WriteChunk("short\n" + std::string(300, 'x') + "\nafter\n");
    conn.WaitForPeerClose();
  });
  // An idle timeout so that, were the long line delivered, the test fails rather than hangs.
  const CappedStream got = StreamWithCap256(server, 2s);
  EXPECT_EQ(got.end, StreamEnd::kError);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"short"}));
  EXPECT_NE(got.error.find("exceeds 256 bytes"), std::string::npos) << got.error;
}

// fuzz_http_response's input (after its selector byte, 0x03: Stream with a
// 64-byte cap): the libcurl client took the garbled status line for HTTP/1.0
// 200, and the body's first line (106 bytes) arrives in one write.
TEST(UnixHttpClientTest, FuzzInputLongLineInOneWriteIsNotDelivered) {
  static constexpr char kResponse[] =
      "HTTP/o1.1 500 Internal Ser$v: 5\r\n\r\ner\x00\x00\x00\x00\x00\x00\x00\x01HTTP/\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\xa2 [k\r\x00\x00\n\x00\x00:\nror\xff\xff\xff";
  FakeHttpServer server([](FakeConnection& conn) {
    conn.ReadRequest();
    conn.Write(std::string_view(kResponse, sizeof(kResponse) - 1));
    conn.Close();
  });
  UnixHttpClient client(server.socket_path());
  client.set_max_body_bytes(64);
  std::atomic<bool> stop{false};
  Lines got;
  std::string error;
  client.Stream("/events", got.Sink(), stop, 2s, 1s, &error);
  for (const std::string& line : got.lines) EXPECT_LE(line.size(), 64u);
}

TEST(UnixHttpClientTest, ExceptionFromOnLinePropagates) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, "boom\n"));
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  std::string error;
  EXPECT_THROW(
      client.Stream(
          "/events", [](std::string_view) { throw std::runtime_error("bad line"); }, stop, 2s, 0ms, &error),
      std::runtime_error);
}

TEST(UnixHttpClientTest, ClientIsReusableAfterAStream) {
  FakeHttpServer server([](FakeConnection& conn) {
    while (auto request = conn.ReadRequest()) {
      if (request->target == "/events") {
        conn.WriteChunkedHeaders();
        conn.WriteChunk("e\n");
        conn.WaitForPeerClose();
        return;
      }
      conn.WriteResponse(200, "pong");
    }
  });
  UnixHttpClient client(server.socket_path());
  std::atomic<bool> stop{false};
  std::string error;
  EXPECT_EQ(client.Stream(
                "/events", [&](std::string_view) { stop.store(true); }, stop, 2s, 0ms, &error),
            StreamEnd::kStopped);
  auto response = client.Get("/_ping", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->body, "pong");
}

TEST(UnixHttpClientTest, MovedClientKeepsWorking) {
  FakeHttpServer server(FakeHttpServer::Fixed(200, "OK"));
  UnixHttpClient first(server.socket_path());
  std::string error;
  ASSERT_TRUE(first.Get("/_ping", 2s, &error)) << error;
  UnixHttpClient second = std::move(first);
  EXPECT_EQ(second.socket_path(), server.socket_path());
  auto response = second.Get("/_ping", 2s, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_EQ(response->body, "OK");
}

TEST(UnixHttpClientTest, PercentEncode) {
  EXPECT_EQ(UnixHttpClient::PercentEncode(R"({"type":["container"]})"),
            "%7B%22type%22%3A%5B%22container%22%5D%7D");
  EXPECT_EQ(UnixHttpClient::PercentEncode("aZ09-._~ /"), "aZ09-._~%20%2F");
  EXPECT_EQ(UnixHttpClient::PercentEncode(""), "");
}

TEST(UnixHttpClientTest, StreamEndNames) {
  EXPECT_STREQ(UnixHttpClient::StreamEndName(StreamEnd::kServerClosed), "server_closed");
  EXPECT_STREQ(UnixHttpClient::StreamEndName(StreamEnd::kStopped), "stopped");
  EXPECT_STREQ(UnixHttpClient::StreamEndName(StreamEnd::kIdleTimeout), "idle_timeout");
}

}  // namespace
}  // namespace libcontainer
