// Names and labels that are not UTF-8 or hold NULs, from every engine
// (issue 11, faults): docker JSON with raw bytes that are not UTF-8 and with
// \u0000, containerd and CRI protobuf strings that are not UTF-8. The
// container is still reported, and the payload the plugin makes of it (what
// Falco reads back) is clean: U+FFFD for each bad byte and each NUL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "core/container_json.h"
#include "core/container_text.h"
#include "engines/containerd/containerd_engine.h"
#include "engines/cri/cri_engine.h"
#include "engines/docker/docker_engine.h"
#include "engines/fake_containerd_server.h"
#include "engines/fake_cri_server.h"
#include "engines/fake_engine.h"
#include "engines/fake_http_server.h"
#include "engines/fault_scripts.h"
#include "engines/sample_files.h"

namespace libcontainer::fault_testing {
namespace {

// "\xEF\xBF\xBD", U+FFFD, spelled short for the expectations.
const std::string kFffd(kReplacementCharacter);
// Not UTF-8: a lone continuation byte, then a lead byte cut short.
const std::string kBadBytes = "\x80x\xC3";
const std::string kNulValue("a\0b", 3);

// The payload the plugin emits for `info`, and what Falco's side reads back.
ContainerInfo ThroughThePayload(const ContainerInfo& info) {
  const std::string json = ContainerToJson(info);
  EXPECT_TRUE(IsCleanText(json)) << json;
  EXPECT_EQ(json.find("\\u0000"), std::string::npos) << json;
  ContainerInfo read;
  std::string error;
  EXPECT_TRUE(ContainerFromJson(json, &read, &error)) << error;
  return read;
}

TEST(InvalidTextTest, DockerBytesThatAreNotUtf8AndNulsKeepTheContainer) {
  FakeEngine fake(FakeEngine::kDockerVersion);
  // Raw bytes in the JSON text (dockerd stores labels as given) and NULs as
  // the JSON escape; in the listed container and in an event's.
  const std::string labels = R"({"bad":"v)" + kBadBytes + R"(","nul":"a\u0000b","ok":"fine"})";
  fake.SetContainer(Id("l1"), InspectDoc(Id("l1"), "we" + kBadBytes + "b", labels));
  FakeHttpServer server(fake.Handler());
  CapturingLogger logger;
  RecordingSink sink;
  DockerEngine engine({server.socket_path()}, PluginConfig{}, logger, FastTiming());
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  const auto listed = sink.Added(Id("l1"));
  ASSERT_TRUE(listed.has_value()) << "the container was dropped";
  EXPECT_EQ(listed->name, "we" + kFffd + "x" + kFffd + "b");
  EXPECT_EQ(listed->labels.at("bad"), "v" + kFffd + "x" + kFffd);
  EXPECT_EQ(listed->labels.at("nul"), kNulValue);  // the engine's text, as sent
  EXPECT_EQ(listed->labels.at("ok"), "fine");
  const ContainerInfo read = ThroughThePayload(*listed);
  EXPECT_EQ(read.name, "we" + kFffd + "x" + kFffd + "b");
  EXPECT_EQ(read.labels.at("nul"), "a" + kFffd + "b");
  EXPECT_EQ(read.labels.at("ok"), "fine");

  ASSERT_TRUE(WaitFor([&] { return fake.subscriptions() == 1; }));
  fake.SetContainer(Id("e1"), InspectDoc(Id("e1"), std::string("n\\u0000ul")));
  std::string event = EventLine("create", Id("e1"));
  event.replace(event.find(R"("name":"x")"), 10, R"("name":"x)" + kBadBytes + R"(")");
  fake.PushEvent(event);
  const auto from_event = sink.WaitForAddedNth(Id("e1"), 0);
  ASSERT_TRUE(from_event.has_value());
  EXPECT_EQ(from_event->name, "x" + kFffd + "x" + kFffd);
  const auto inspected = sink.WaitForAddedNth(Id("e1"), 1);
  ASSERT_TRUE(inspected.has_value());
  EXPECT_EQ(ThroughThePayload(*inspected).name, "n" + kFffd + "ul");
  engine.Stop();
  EXPECT_EQ(engine.stats().malformed_events, 0u);
  EXPECT_EQ(engine.stats().inspect_errors, 0u);
}

// proto3 parsers refuse a `string` field that is not UTF-8, which made one
// such label cost a whole List answer, and with it every container of the
// engine. containerd before 1.7 (gogo protobuf) sends them as stored.
TEST(InvalidTextTest, ContainerdLabelsThatAreNotUtf8KeepTheListing) {
  const std::string socket = engine_testing::UniqueSocketPath("invalid-text-containerd");
  testing::FakeContainerdServer server(socket);
  containerd::services::containers::v1::Container container;
  container.set_id(Id("d1"));
  container.set_image("docker.io/library/redis:7");
  (*container.mutable_labels())["bad"] = "v" + kBadBytes;
  (*container.mutable_labels())["nul"] = kNulValue;
  server.AddContainer("default", container);
  containerd::services::containers::v1::Container fine;
  fine.set_id(Id("d2"));
  server.AddContainer("default", fine);
  CapturingLogger logger;
  RecordingSink sink;
  ContainerdEngine engine({socket}, PluginConfig{}, logger, FastTiming());
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  ASSERT_TRUE(sink.Added(Id("d2")).has_value()) << "the listing failed";
  const auto listed = sink.Added(Id("d1"));
  ASSERT_TRUE(listed.has_value());
  const ContainerInfo read = ThroughThePayload(*listed);
  EXPECT_EQ(read.labels.at("bad"), "v" + kFffd + "x" + kFffd);
  EXPECT_EQ(read.labels.at("nul"), "a" + kFffd + "b");
  EXPECT_TRUE(engine.stats().connected);
  engine.Stop();
  ::unlink(socket.c_str());
}

TEST(InvalidTextTest, CriLabelsThatAreNotUtf8KeepTheListing) {
  const std::string socket = engine_testing::UniqueSocketPath("invalid-text-cri");
  testing::FakeCriServer server(socket);
  runtime::v1::ContainerStatusResponse status;
  status.mutable_status()->set_id(Id("r1"));
  status.mutable_status()->mutable_metadata()->set_name("app");
  status.mutable_status()->set_state(runtime::v1::CONTAINER_RUNNING);
  (*status.mutable_status()->mutable_labels())["bad"] = "v" + kBadBytes;
  (*status.mutable_status()->mutable_annotations())["note"] = kNulValue;
  server.AddContainer(status);
  CapturingLogger logger;
  RecordingSink sink;
  CriEngine engine({socket}, PluginConfig{}, logger, FastTiming());
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  const auto listed = sink.Added(Id("r1"));
  ASSERT_TRUE(listed.has_value()) << "the listing failed";
  EXPECT_EQ(ThroughThePayload(*listed).labels.at("bad"), "v" + kFffd + "x" + kFffd);
  EXPECT_TRUE(engine.stats().connected);
  engine.Stop();
  ::unlink(socket.c_str());
}

}  // namespace
}  // namespace libcontainer::fault_testing
