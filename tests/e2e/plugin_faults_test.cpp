// The .so under faults a host can meet (issue 11, faults): text that is not
// UTF-8 or holds NULs reaches Falco clean, through the container payload and
// the fields extracted from it, whether it comes from a capture or from an
// engine; and two instances of the plugin in one process (Falco may init the
// same .so twice), one destroyed, leave the other parsing, extracting and
// following its engines. Run under the asan preset too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "e2e/test_support.h"
#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "engines/fault_scripts.h"

namespace {

using namespace e2e;
namespace ev = testhost::events;
using libcontainer::FakeHttpServer;
using libcontainer::engine_testing::EventLine;
using libcontainer::engine_testing::FakeEngine;
using libcontainer::engine_testing::Id;
using libcontainer::fault_testing::InspectDoc;

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD

// Docker on `socket`, containerd and CRI on sockets that do not exist (their
// gRPC channels are made and torn down all the same), the rest off.
std::string Config(const std::string& socket) {
  const std::string missing = "/nonexistent-" + std::to_string(::getpid()) + ".sock";
  return R"({"engines":{"docker":{"enabled":true,"sockets":[")" + socket +
         R"("]},"podman":{"enabled":false},"containerd":{"enabled":true,"sockets":[")" + missing +
         R"("]},"cri":{"enabled":true,"sockets":[")" + missing + R"("]}}})";
}

// Delivers the plugin's async events to it (as sinsp does) until `done`;
// false at the hang guard.
bool PumpUntil(testhost::PluginHost& host, const std::function<bool()>& done) {
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < guard) {
    host.DeliverAsyncEvents();
    if (done()) return true;
    host.WaitForAsyncEvents(1, std::chrono::milliseconds(100));
  }
  return false;
}

bool Known(testhost::PluginHost& host, const std::string& full_id) {
  return host.ContainersTableString(full_id.substr(0, 12), "name").has_value();
}

std::string Field(testhost::PluginHost& host, const std::vector<uint8_t>& event, const std::string& field,
                  std::optional<std::string> key = std::nullopt) {
  const auto value = host.Extract(event, field, std::move(key));
  if (!value) return "<error>";
  return value->present ? value->str : "<NA>";
}

// A thread of container `full_id`, tagged; an event of it to extract on.
std::vector<uint8_t> EventInContainer(testhost::PluginHost& host, int64_t tid, const std::string& full_id) {
  host.AddThread(DockerThread(tid, 1, full_id));
  EXPECT_EQ(host.Parse(ev::ExecveExit(tid, 0)), SS_PLUGIN_SUCCESS);
  return ev::OpenExit(tid);
}

// A capture's container event (another writer than ours): \u0000 in the name
// and a label, raw bytes that are not UTF-8 in another label.
TEST(PluginFaults, TextFromACaptureReachesTheFieldsClean) {
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  const std::string payload = R"({"container":{"type":0,"id":")" + std::string(kDockerId).substr(0, 12) +
                              R"(","full_id":")" + kDockerId +
                              R"(","name":"we\u0000b","image":"nginx:1.25","labels":{"nul":"a\u0000b",)" +
                              "\"bad\":\"v\x80x\",\"ok\":\"fine\"}}}";
  ASSERT_EQ(host->Parse(ev::AsyncEvent("container", payload + std::string(1, '\0'))), SS_PLUGIN_SUCCESS);
  const auto open = EventInContainer(*host, 100, kDockerId);
  EXPECT_EQ(Field(*host, open, "container.name"), "we" + kFffd + "b");
  EXPECT_EQ(Field(*host, open, "container.label", "nul"), "a" + kFffd + "b");
  EXPECT_EQ(Field(*host, open, "container.label", "bad"), "v" + kFffd + "x");
  EXPECT_EQ(Field(*host, open, "container.labels"), "bad:v" + kFffd + "x, nul:a" + kFffd + "b, ok:fine");
  EXPECT_EQ(host->ContainersTableString(std::string(kDockerId).substr(0, 12), "name"), "we" + kFffd + "b");
}

class PluginWithFakeDocker : public ::testing::Test {
 protected:
  PluginWithFakeDocker()
      : fake_(FakeEngine::kDockerVersion), server_(std::make_unique<FakeHttpServer>(fake_.Handler())) {}
  ~PluginWithFakeDocker() override { server_.reset(); }  // its handlers use fake_

  std::unique_ptr<testhost::PluginHost> Start() {
    auto host = LoadPlugin(Config(server_->socket_path()));
    if (host != nullptr) {
      EXPECT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
    }
    return host;
  }

  FakeEngine fake_;
  std::unique_ptr<FakeHttpServer> server_;
};

// From the engine to the fields: the inspect carries a NUL (as \u0000) in the
// name and bytes that are not UTF-8 in a label; the container is reported,
// its payload holds neither, and the fields show U+FFFD in their place.
TEST_F(PluginWithFakeDocker, TextFromAnEngineReachesThePayloadAndTheFieldsClean) {
  const std::string id = Id("d1");
  fake_.SetContainer(
      id, InspectDoc(id, "we\\u0000b", R"({"bad":"v)" + std::string("\x80x") + R"(","ok":"fine"})"));
  auto host = Start();
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(PumpUntil(*host, [&] { return Known(*host, id); })) << "the container was not reported";
  bool payload_seen = false;
  for (const auto& event : host->LastDeliveredAsyncEvents()) {
    const auto decoded = ev::DecodeAsyncEvent(event);
    if (!decoded || decoded->data.find(id) == std::string::npos) continue;
    payload_seen = true;
    EXPECT_EQ(decoded->data.find("\\u0000"), std::string::npos) << decoded->data;
    EXPECT_NE(decoded->data.find("we" + kFffd + "b"), std::string::npos) << decoded->data;
    EXPECT_NE(decoded->data.find("v" + kFffd + "x"), std::string::npos) << decoded->data;
  }
  EXPECT_TRUE(payload_seen);
  const auto open = EventInContainer(*host, 100, id);
  EXPECT_EQ(Field(*host, open, "container.name"), "we" + kFffd + "b");
  EXPECT_EQ(Field(*host, open, "container.label", "bad"), "v" + kFffd + "x");
  EXPECT_EQ(Field(*host, open, "container.label", "ok"), "fine");
}

// Falco may init the same .so twice (two inspectors). Destroying one
// instance, whichever, must leave the other's state, tables and engine
// threads alone: it goes on parsing, extracting and reporting new containers.
class TwoInstances : public PluginWithFakeDocker, public ::testing::WithParamInterface<bool> {};

TEST_P(TwoInstances, DestroyingOneLeavesTheOtherWorking) {
  const bool destroy_second = GetParam();
  fake_.SetContainer(Id("c1"), InspectDoc(Id("c1"), "one"));
  auto first = Start();
  auto second = Start();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(PumpUntil(*first, [&] { return Known(*first, Id("c1")); }));
  ASSERT_TRUE(PumpUntil(*second, [&] { return Known(*second, Id("c1")); }));
  // Both follow the events stream (the fake sends an event to the streams
  // open when it comes, and replays nothing).
  ASSERT_TRUE(PumpUntil(*first, [&] { return fake_.subscriptions() == 2; }));
  const auto before = EventInContainer(*first, 100, Id("c1"));
  EXPECT_EQ(Field(*first, before, "container.name"), "one");

  std::unique_ptr<testhost::PluginHost>& gone = destroy_second ? second : first;
  std::unique_ptr<testhost::PluginHost>& kept = destroy_second ? first : second;
  gone.reset();  // plugin_destroy, then dlclose (the .so stays: the other holds it)

  // What the kept instance knew is still there...
  const auto old_event = EventInContainer(*kept, 101, Id("c1"));
  EXPECT_EQ(Field(*kept, old_event, "container.name"), "one");
  EXPECT_EQ(Field(*kept, old_event, "container.id"), Id("c1").substr(0, 12));
  // ...and its docker engine still follows the engine.
  fake_.SetContainer(Id("c2"), InspectDoc(Id("c2"), "two"));
  fake_.PushEvent(EventLine("create", Id("c2")));
  ASSERT_TRUE(PumpUntil(*kept, [&] {
    return kept->ContainersTableString(Id("c2").substr(0, 12), "name") == std::optional<std::string>("two");
  }));
  const auto new_event = EventInContainer(*kept, 102, Id("c2"));
  EXPECT_EQ(Field(*kept, new_event, "container.name"), "two");
  EXPECT_EQ(Field(*kept, new_event, "container.image"), "nginx:1.25");
  bool connected = false;
  for (const auto& metric : kept->Metrics())
    connected |= metric.name == "n_docker_connected" && metric.value == 1;
  EXPECT_TRUE(connected);
  EXPECT_TRUE(kept->RejectedAsyncErrors().empty());
}

INSTANTIATE_TEST_SUITE_P(Destroyed, TwoInstances, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Second" : "First"; });

}  // namespace
