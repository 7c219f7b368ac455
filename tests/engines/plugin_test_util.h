// Helpers of the tests that load the plugin .so through the test host against real engines
// (engine_plugin_tests; LIBCONTAINER_PLUGIN_PATH names the .so).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engines/real_engines.h"
#include "host/plugin_host.h"

namespace testengines {

// A hang guard only: tests wait for behaviour, they never assert on time.
inline constexpr std::chrono::seconds kPluginPatience{30};

// Delivers the plugin's async events to it (as sinsp does) until `done`.
inline bool PumpUntil(testhost::PluginHost& host, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kPluginPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    host.DeliverAsyncEvents();
    if (done()) return true;
    host.WaitForAsyncEvents(1, std::chrono::milliseconds(100));
  }
  return false;
}

// In the plugin's containers table (keyed by the 12-character id).
inline bool Known(testhost::PluginHost& host, const std::string& full_id) {
  return host.ContainersTableString(full_id.substr(0, 12), "name").has_value();
}

// UINT64_MAX when the plugin has no such metric.
inline uint64_t Metric(testhost::PluginHost& host, const std::string& name) {
  for (const auto& m : host.Metrics()) {
    if (m.name == name) return m.value;
  }
  return UINT64_MAX;
}

// dlopen + plugin_init + the async handler, as Falco does; nullptr (and a test failure) on error.
inline std::unique_ptr<testhost::PluginHost> LoadPlugin(const std::string& config) {
  std::string error;
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &error);
  EXPECT_NE(host, nullptr) << error;
  if (host == nullptr) return nullptr;
  if (!host->Init(config, &error)) {
    ADD_FAILURE() << "plugin_init: " << error;
    return nullptr;
  }
  EXPECT_EQ(host->EnableAsync(), SS_PLUGIN_SUCCESS);
  return host;
}

// A host thread for a real process (its pid namespace's init), with the cgroups the kernel gives it.
inline testhost::ThreadSpec ThreadOfProcess(pid_t pid, const std::string& exe) {
  testhost::ThreadSpec thread;
  thread.tid = thread.pid = pid;
  thread.vpid = thread.vtid = 1;
  thread.ptid = 1;
  thread.exe = exe;
  for (const auto& [controllers, path] : ProcessCgroups(pid)) {
    // libsinsp keeps the v1 controllers only; the unified line is not offered.
    if (!controllers.empty() && controllers.find('=') == std::string::npos)
      thread.cgroups.emplace_back(controllers, path);
  }
  return thread;
}

// A string field extracted on `event`; "<NA>" when the plugin has no value.
inline std::string ExtractString(testhost::PluginHost& host, const std::vector<uint8_t>& event,
                                 const std::string& field, std::optional<std::string> key = std::nullopt) {
  auto value = host.Extract(event, field, std::move(key));
  return value && value->present ? value->str : std::string("<NA>");
}

}  // namespace testengines
