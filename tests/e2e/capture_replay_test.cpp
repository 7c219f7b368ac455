// Real Falco captures replayed through the plugin: the legacy container
// records they carry must give the same metadata Falco showed at the time.
#include <gtest/gtest.h>

#include "e2e/test_support.h"
#include "host/scap_reader.h"

namespace {

using e2e::LoadPlugin;

struct Expected {
  std::string file;
  int64_t tid;
  std::string id, name, image;
};

class CaptureReplay : public ::testing::TestWithParam<Expected> {};

TEST_P(CaptureReplay, ThreadsOfTheCaptureExtractItsContainerMetadata) {
  const auto& expected = GetParam();
  testhost::ScapCapture capture;
  std::string error;
  ASSERT_TRUE(
      testhost::ReadScapFile(std::string(LIBCONTAINER_CAPTURES_DIR) + "/" + expected.file, &capture, &error))
      << error;
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  for (const auto& t : capture.threads) {
    testhost::ThreadSpec spec;
    spec.tid = t.tid;
    spec.pid = t.pid;
    spec.ptid = t.ptid;
    spec.vpid = t.vpid;
    spec.vtid = t.vtid;
    spec.comm = t.comm;
    spec.exe = t.exe;
    spec.args = t.args;
    spec.cgroups = t.cgroups;
    spec.pidns_init_start_ts = t.pidns_init_start_ts;
    host->AddThread(spec);
  }
  ASSERT_EQ(host->CaptureOpen(), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ThreadContainerId(expected.tid), expected.id);

  const std::vector<uint8_t>* own_event = nullptr;
  for (const auto& event : capture.events) {
    ASSERT_EQ(host->Parse(event.raw), SS_PLUGIN_SUCCESS);
    if (event.tid == static_cast<uint64_t>(expected.tid) && own_event == nullptr) own_event = &event.raw;
  }
  // Reading a capture: nothing is emitted.
  EXPECT_TRUE(host->TakeAsyncEvents().empty());
  const auto& event = own_event != nullptr ? *own_event : testhost::events::OpenExit(expected.tid);
  EXPECT_EQ(host->Extract(event, "container.id")->str, expected.id);
  EXPECT_EQ(host->Extract(event, "container.name")->str, expected.name);
  EXPECT_EQ(host->Extract(event, "container.image")->str, expected.image);
  EXPECT_EQ(host->Extract(event, "container.type")->str, "docker");
}

INSTANTIATE_TEST_SUITE_P(
    FalcoCaptures, CaptureReplay,
    ::testing::Values(
        Expected{"falco_empty_2016.scap", 16486, "ad8301db070e", "mitm_nginx", "nginx:latest"},
        Expected{"falco_empty_2016.scap", 16231, "c644607f2c4e", "attacker_botnet_master", "alpine:latest"},
        Expected{"falco_psp_run_as_user_0_container.scap", 25754, "697956520d89", "hopeful_taussig", "nginx"},
        Expected{"falco_psp_run_as_user_65534_container.scap", 7766, "697956520d89", "hopeful_taussig",
                 "nginx"},
        Expected{"falco_psp_write_tmp_test.scap", 25754, "697956520d89", "hopeful_taussig", "nginx"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(CaptureReplay, PrivilegedRecordInTheMiddleOfTheStream) {
  testhost::ScapCapture capture;
  std::string error;
  ASSERT_TRUE(testhost::ReadScapFile(std::string(LIBCONTAINER_CAPTURES_DIR) + "/falco_psp_privileged.scap",
                                     &capture, &error))
      << error;
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  for (const auto& event : capture.events) ASSERT_EQ(host->Parse(event.raw), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableString("9dbcbd0c435f", "name"), "epic_cray");
  EXPECT_EQ(host->ContainersTableString("9dbcbd0c435f", "image"), "nginx:latest");
}

TEST(CaptureReplay, HostOnlyCaptureHasNoContainers) {
  testhost::ScapCapture capture;
  std::string error;
  ASSERT_TRUE(testhost::ReadScapFile(std::string(LIBCONTAINER_CAPTURES_DIR) + "/libs_curl_google.scap",
                                     &capture, &error))
      << error;
  auto host = LoadPlugin();
  ASSERT_NE(host, nullptr);
  for (const auto& t : capture.threads) {
    testhost::ThreadSpec spec;
    spec.tid = t.tid;
    spec.pid = t.pid;
    spec.ptid = t.ptid;
    spec.cgroups = t.cgroups;
    host->AddThread(spec);
  }
  ASSERT_EQ(host->CaptureOpen(), SS_PLUGIN_SUCCESS);
  for (const auto& event : capture.events) ASSERT_EQ(host->Parse(event.raw), SS_PLUGIN_SUCCESS);
  EXPECT_EQ(host->ContainersTableSize(), 1u);
  for (const auto& t : capture.threads) EXPECT_EQ(host->ThreadContainerId(t.tid), "") << t.tid;
}

}  // namespace
