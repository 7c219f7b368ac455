// CriClient against the in-process FakeCriServer: calls, deadlines, a
// missing socket and the GetContainerEvents stream (incl. UNIMPLEMENTED).
#include "engines/cri/cri_client.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "engines/cri/cri_decoder.h"
#include "engines/fake_cri_server.h"
#include "engines/fake_engine.h"
#include "engines/grpc/grpc_channel.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSampleMessage;
using engine_testing::UniqueSocketPath;

namespace cri = ::runtime::v1;
using engine_testing::kGuard;
using engine_testing::WaitFor;
using testing::FakeCriServer;
using namespace std::chrono_literals;

constexpr char kCtrId[] = "c8117a6ad48c5eba6631d57b4b1cf74ef34258ec72ab8ecf92b7d9c3457e7094";
constexpr char kPodId[] = "65fbe34e7da3601ab1d2f0bcf14c9f7a6554db977f789433adbb63bc7613a83c";

class CriClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<FakeCriServer>(UniqueSocketPath("fake-cri"));
    server_->AddContainer(
        ReadSampleMessage<cri::ContainerStatusResponse>("containerd-cri-container-status-verbose.json"));
    server_->AddSandbox(
        ReadSampleMessage<cri::PodSandboxStatusResponse>("containerd-cri-pod-status-verbose.json"));
    client_ = std::make_unique<CriClient>(server_->socket_path(), 2s);
  }

  std::unique_ptr<FakeCriServer> server_;
  std::unique_ptr<CriClient> client_;
};

TEST(GrpcUnixTarget, Forms) {
  EXPECT_EQ(GrpcUnixTarget("/run/containerd/containerd.sock"), "unix:///run/containerd/containerd.sock");
  EXPECT_EQ(GrpcUnixTarget("unix:///run/crio/crio.sock"), "unix:///run/crio/crio.sock");
}

TEST_F(CriClientTest, VersionAndInspectByShortId) {
  cri::VersionResponse version;
  ASSERT_TRUE(client_->Version(&version).ok());
  EXPECT_EQ(version.runtime_name(), "containerd");

  // The 12-character id from a cgroup resolves through the list filter.
  cri::ContainerFilter filter;
  filter.set_id("c8117a6ad48c");
  std::vector<cri::Container> listed;
  ASSERT_TRUE(client_->ListContainers(&filter, &listed).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id(), kCtrId);

  cri::ContainerStatusResponse status;
  ASSERT_TRUE(client_->ContainerStatus(listed[0].id(), true, &status).ok());
  cri::PodSandboxStatusResponse sandbox;
  ASSERT_TRUE(client_
                  ->PodSandboxStatus(listed[0].pod_sandbox_id().empty() ? kPodId : listed[0].pod_sandbox_id(),
                                     true, &sandbox)
                  .ok());
  const std::optional<CriPod> pod = DecodeCriPod(sandbox, DecodeOptions{});
  ASSERT_TRUE(pod);
  auto info = DecodeCriContainer(status, &*pod, version.runtime_name(), DecodeOptions{}, nullptr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "probe-ctr");
  EXPECT_TRUE(info->host_network);

  std::vector<cri::PodSandbox> pods;
  ASSERT_TRUE(client_->ListPodSandbox(nullptr, &pods).ok());
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].metadata().name(), "probe-pod");
}

TEST_F(CriClientTest, NotFound) {
  cri::ContainerStatusResponse status;
  EXPECT_EQ(client_->ContainerStatus("nope", true, &status).error_code(), grpc::StatusCode::NOT_FOUND);
  cri::PodSandboxStatusResponse sandbox;
  EXPECT_EQ(client_->PodSandboxStatus("nope", true, &sandbox).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Time bounds below are hang guards against a runtime that answers after a
// minute, far from anything scheduling noise produces.
TEST_F(CriClientTest, DeadlineBoundsAHungRuntime) {
  server_->SetDelay(60s);
  CriClient impatient(server_->socket_path(), 100ms);
  auto start = std::chrono::steady_clock::now();
  cri::VersionResponse version;
  EXPECT_EQ(impatient.Version(&version).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);
}

TEST_F(CriClientTest, CancelCallsEndsCallsInFlightAndRefusesLaterOnes) {
  server_->SetDelay(60s);
  CriClient client(server_->socket_path(), 60s);
  grpc::StatusCode in_flight = grpc::StatusCode::OK;
  const auto start = std::chrono::steady_clock::now();
  std::thread caller([&] {
    cri::VersionResponse version;
    in_flight = client.Version(&version).error_code();
  });
  ASSERT_TRUE(WaitFor([&] { return server_->unary_calls() == 1; }));
  client.CancelCalls();
  caller.join();
  EXPECT_EQ(in_flight, grpc::StatusCode::CANCELLED);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);

  std::vector<cri::Container> listed;
  EXPECT_EQ(client.ListContainers(nullptr, &listed).error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(server_->unary_calls(), 1) << "a call after CancelCalls reached the runtime";
}

TEST(CriClientNoServer, MissingSocketFailsFast) {
  CriClient client(UniqueSocketPath("fake-cri"), 300ms);
  auto start = std::chrono::steady_clock::now();
  cri::VersionResponse version;
  grpc::Status status = client.Version(&version);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(status.error_code() == grpc::StatusCode::UNAVAILABLE ||
              status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_code();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kGuard);
}

TEST_F(CriClientTest, EventStreamDeliversInOrderAndCancels) {
  auto stream = client_->GetContainerEvents();
  ASSERT_TRUE(server_->WaitForEventStreams(1, 5s));
  for (auto type : {cri::CONTAINER_CREATED_EVENT, cri::CONTAINER_STARTED_EVENT}) {
    cri::ContainerEventResponse e;
    e.set_container_id(kCtrId);
    e.set_container_event_type(type);
    server_->PushEvent(e);
  }
  cri::ContainerEventResponse got;
  ASSERT_TRUE(stream->Read(&got));
  EXPECT_EQ(DecodeCriContainerEvent(got)->kind, EngineEvent::Kind::kCreate);
  ASSERT_TRUE(stream->Read(&got));
  EXPECT_EQ(DecodeCriContainerEvent(got)->kind, EngineEvent::Kind::kStart);

  // Cancel from another thread while Read() blocks.
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    stream->Cancel();
  });
  EXPECT_FALSE(stream->Read(&got));
  canceller.join();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(CriClientTest, EventStreamUnimplementedLikeContainerd16) {
  server_->SetEventsUnimplemented(true);
  auto stream = client_->GetContainerEvents();
  cri::ContainerEventResponse got;
  EXPECT_FALSE(stream->Read(&got));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(CriClientTest, EventStreamEndsWhenTheRuntimeGoesAway) {
  auto stream = client_->GetContainerEvents();
  ASSERT_TRUE(server_->WaitForEventStreams(1, 5s));
  std::thread stopper([&] { server_.reset(); });
  cri::ContainerEventResponse got;
  EXPECT_FALSE(stream->Read(&got));
  stopper.join();
  EXPECT_FALSE(stream->Finish().ok());
}

}  // namespace
}  // namespace libcontainer
