// Misbehaving engine answers for the fault tests, as FakeEngine overrides:
// connections closed mid-answer, answers dripped a byte at a time, bodies of
// 100 MB generated on the fly, plus docker-shaped documents to list and
// inspect. Header-only.
#pragma once

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"

namespace libcontainer::fault_testing {

// The fault tests live in this namespace and speak the fakes' vocabulary.
using engine_testing::CapturingLogger;
using engine_testing::CountRequests;
using engine_testing::EventLine;
using engine_testing::FakeEngine;
using engine_testing::FastTiming;
using engine_testing::Id;
using engine_testing::kGuard;
using engine_testing::RecordingSink;
using engine_testing::WaitFor;
using namespace std::chrono_literals;

using Served = engine_testing::FakeEngine::Served;
using Script = engine_testing::FakeEngine::Script;

// A docker inspect document; the IP is what only the inspect says (a listed
// record has none), so tests tell the two apart by it.
inline std::string InspectDoc(const std::string& id, const std::string& name,
                              const std::string& labels_json = R"({"app":"web"})") {
  return R"({"Id":")" + id + R"(","Name":"/)" + name + R"(","Image":"sha256:)" + engine_testing::Id("1a") +
         R"(","Config":{"Image":"nginx:1.25","Labels":)" + labels_json +
         R"(},"HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"IPAddress":"172.17.0.2"}})";
}

struct Listed {
  std::string id, name, labels_json = R"({"app":"web"})";
};

// GET /containers/json as docker answers it: names, image and labels too.
inline std::string ListDoc(const std::vector<Listed>& containers) {
  std::string body = "[";
  for (const Listed& c : containers) {
    if (body.size() > 1) body += ",";
    body += R"({"Id":")" + c.id + R"(","Names":["/)" + c.name + R"("],"Image":"nginx:1.25","Labels":)" +
            c.labels_json + R"(,"Created":1700000000})";
  }
  return body + "]";
}

// Waits `interval`, false if the client went away (or the server is
// stopping, which shuts the connection down) meanwhile.
inline bool PeerStaysFor(FakeConnection& conn, std::chrono::milliseconds interval) {
  const auto until = std::chrono::steady_clock::now() + interval;
  while (std::chrono::steady_clock::now() < until) {
    // The client sends nothing while it waits for an answer: readable means gone.
    pollfd p{conn.fd(), POLLIN, 0};
    if (poll(&p, 1, 20) != 0) return false;
  }
  return true;
}

// Sends `bytes` one at a time, `interval` apart: a slowloris. Counts in
// *finished the drips that got to their end.
inline void Drip(FakeConnection& conn, std::string_view bytes, std::chrono::milliseconds interval,
                 std::atomic<int>* finished) {
  for (const char c : bytes) {
    if (!conn.Write(std::string_view(&c, 1)) || !PeerStaysFor(conn, interval)) return;
  }
  finished->fetch_add(1);
}

// Writes `total` bytes of `fill` after `head` (the headers and whatever the
// body starts with), in chunks if `chunked`, as fast as the client takes
// them; counts in *sent the body bytes written. False once the client is gone.
inline bool Flood(FakeConnection& conn, std::string_view head, uint64_t total, char fill, bool chunked,
                  std::atomic<uint64_t>* sent) {
  if (!conn.Write(head)) return false;
  const std::string piece(64 * 1024, fill);
  for (uint64_t left = total; left > 0;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, piece.size()));
    const std::string_view bytes = std::string_view(piece).substr(0, n);
    if (!(chunked ? conn.WriteChunk(bytes) : conn.Write(bytes))) return false;
    sent->fetch_add(n);
    left -= n;
  }
  return !chunked || conn.EndChunks();
}

inline constexpr uint64_t k100MB = uint64_t{100} << 20;

}  // namespace libcontainer::fault_testing
