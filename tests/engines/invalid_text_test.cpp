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
#include "engines/proto_entries.h"
#include "engines/sample_files.h"

namespace libcontainer::fault_testing {
namespace {

using engine_testing::SetEntry;

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
TEST(InvalidTextTest, ContainerdTextThatIsNotUtf8KeepsTheListing) {
  const std::string socket = engine_testing::UniqueSocketPath("invalid-text-containerd");
  testing::FakeContainerdServer server(socket);
  containerd::services::containers::v1::Container container;
  container.set_id(Id("d1"));
  container.set_image("redis" + kBadBytes);
  container.set_snapshot_key("snap" + kBadBytes);
  SetEntry(container.mutable_labels(), "bad", "v" + kBadBytes);
  SetEntry(container.mutable_labels(), "nul", kNulValue);
  SetEntry(container.mutable_labels(), "key" + kBadBytes, "v");  // a key too
  SetEntry(container.mutable_labels(), "io.kubernetes.container.name", "name" + kBadBytes);
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
  ASSERT_TRUE(listed.has_value()) << "the container was dropped";
  const std::string bad = kFffd + "x" + kFffd;  // kBadBytes, cleaned
  const ContainerInfo read = ThroughThePayload(*listed);
  EXPECT_EQ(read.labels.at("bad"), "v" + bad);
  EXPECT_EQ(read.labels.at("nul"), "a" + kFffd + "b");
  EXPECT_EQ(read.labels.at("key" + bad), "v");
  EXPECT_EQ(read.name, "name" + bad);
  EXPECT_EQ(read.image, "redis" + bad);

  // A lookup by short id (a filtered List) answers one such container too.
  containerd::services::containers::v1::Container later = container;
  later.set_id(Id("d3"));
  server.AddContainer("default", later);
  engine.RequestLookup(Id("d3").substr(0, 12));
  const auto looked_up = sink.WaitForAdded(Id("d3"));
  ASSERT_TRUE(looked_up.has_value()) << "the lookup failed";
  EXPECT_EQ(ThroughThePayload(*looked_up).labels.at("key" + bad), "v");
  EXPECT_TRUE(engine.stats().connected);
  EXPECT_EQ(engine.stats().lookup_failures, 0u);
  engine.Stop();
  ::unlink(socket.c_str());
}

// Label values, and keys, names, the image and paths: text that is `string`
// upstream, where one bad byte makes protobuf 3.21 refuse the whole answer
// (ListContainers: every container of the runtime; an event: the stream).
// The pod's text reaches the container's record too.
TEST(InvalidTextTest, CriTextThatIsNotUtf8KeepsTheListingAndTheStream) {
  const std::string socket = engine_testing::UniqueSocketPath("invalid-keys-cri");
  testing::FakeCriServer server(socket);
  runtime::v1::PodSandboxStatusResponse pod;
  pod.mutable_status()->set_id(Id("p1"));
  pod.mutable_status()->mutable_metadata()->set_name("pod" + kBadBytes);
  pod.mutable_status()->mutable_metadata()->set_namespace_("ns" + kBadBytes);
  pod.mutable_status()->set_state(runtime::v1::SANDBOX_READY);
  SetEntry(pod.mutable_status()->mutable_labels(), "tier" + kBadBytes, "db");
  server.AddSandbox(pod);
  runtime::v1::ContainerStatusResponse status;
  runtime::v1::ContainerStatus* s = status.mutable_status();
  s->set_id(Id("r1"));
  s->mutable_metadata()->set_name("app" + kBadBytes);
  s->set_state(runtime::v1::CONTAINER_RUNNING);
  s->mutable_image()->set_image("busybox" + kBadBytes);
  s->set_image_ref("busybox" + kBadBytes);
  s->set_message("exec: " + kBadBytes);
  s->set_log_path("/var/log/pods/" + kBadBytes);
  SetEntry(s->mutable_labels(), "bad", "v" + kBadBytes);
  SetEntry(s->mutable_labels(), "key" + kBadBytes, "v");
  SetEntry(s->mutable_annotations(), "note" + kBadBytes, kNulValue);
  runtime::v1::Mount* mount = s->add_mounts();
  mount->set_host_path("/data/" + kBadBytes);
  mount->set_container_path("/in" + kBadBytes);
  server.AddContainer(status, Id("p1"));
  runtime::v1::ContainerStatusResponse fine;
  fine.mutable_status()->set_id(Id("r2"));
  fine.mutable_status()->mutable_metadata()->set_name("fine");
  server.AddContainer(fine);
  CapturingLogger logger;
  RecordingSink sink;
  CriEngine engine({socket}, PluginConfig{}, logger, FastTiming());
  engine.Start(sink);
  ASSERT_TRUE(engine.WaitForInitialList(kGuard));
  ASSERT_TRUE(sink.Added(Id("r2")).has_value()) << "the listing failed";
  const auto listed = sink.Added(Id("r1"));
  ASSERT_TRUE(listed.has_value()) << "the container was dropped";
  const std::string bad = kFffd + "x" + kFffd;  // kBadBytes, cleaned
  const ContainerInfo read = ThroughThePayload(*listed);
  EXPECT_EQ(read.name, "app" + bad);
  EXPECT_EQ(read.image, "busybox" + bad);
  EXPECT_EQ(read.labels.at("bad"), "v" + bad);
  EXPECT_EQ(read.labels.at("key" + bad), "v");
  EXPECT_EQ(read.labels.at("io.kubernetes.pod.name"), "pod" + bad);
  EXPECT_EQ(read.labels.at("io.kubernetes.pod.namespace"), "ns" + bad);
  EXPECT_EQ(read.pod_sandbox_labels.at("tier" + bad), "db");
  ASSERT_EQ(read.mounts.size(), 1u);
  EXPECT_EQ(read.mounts[0].source, "/data/" + bad);
  EXPECT_EQ(read.mounts[0].destination, "/in" + bad);
  const auto sandbox = sink.Added(Id("p1"));
  ASSERT_TRUE(sandbox.has_value()) << "the pod was dropped";
  EXPECT_EQ(ThroughThePayload(*sandbox).name, "pod" + bad);

  // An event whose statuses carry such a name, for a container whose status
  // does too: the stream goes on, and the container is reported.
  ASSERT_TRUE(server.WaitForEventStreams(1, kGuard));
  runtime::v1::ContainerStatusResponse later = status;
  later.mutable_status()->set_id(Id("r3"));
  server.AddContainer(later);
  runtime::v1::ContainerEventResponse event;
  event.set_container_id(Id("r3"));
  event.set_container_event_type(runtime::v1::CONTAINER_CREATED_EVENT);
  *event.add_containers_statuses() = later.status();
  server.PushEvent(event);
  const auto from_event = sink.WaitForAdded(Id("r3"));
  ASSERT_TRUE(from_event.has_value()) << "the event was lost";
  EXPECT_EQ(ThroughThePayload(*from_event).name, "app" + bad);
  EXPECT_TRUE(engine.stats().connected);
  EXPECT_EQ(engine.stats().reconnects, 0u);
  EXPECT_EQ(engine.stats().inspect_errors, 0u);
  engine.Stop();
  ::unlink(socket.c_str());
}

}  // namespace
}  // namespace libcontainer::fault_testing
