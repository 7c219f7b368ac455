// Runs the real Falco binary with our plugin: finds the Falco build, writes a
// falco.yaml for each test into a private directory, runs Falco to the end
// (replay, --list, -V ...) or live until stopped, and parses its JSON alerts.
//
// Where Falco comes from: LIBCONTAINER_FALCO_DIR (environment, else the CMake
// option of that name) names a directory holding `falco`, `memlock-shim.so`
// and `rules/` (the official rules), as made by the team's build-falco script
// (.ci/run builds it). Without it the tests skip and say why; under CI=true a
// missing Falco fails them.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engines/real_engines.h"

namespace testfalco {

struct FalcoInstall {
  std::string dir;
  std::string falco;         // the binary
  std::string memlock_shim;  // LD_PRELOAD for live capture here (root lacks CAP_SYS_RESOURCE)
  std::string rules_dir;     // falco_rules.yaml, falco-incubating_rules.yaml, falco-sandbox_rules.yaml
};

// The Falco to test with, or nullopt and *why (what is missing, how to get it).
std::optional<FalcoInstall> FindFalco(std::string* why);
// True when CI=true: a Falco that is missing or fails to start fails the test.
bool RequireFalco();

// What a test's falco.yaml says; the rest is written the same for every test.
struct FalcoSettings {
  // Our plugin's init_config, as JSON text (YAML takes JSON as it is).
  std::string init_config = "{}";
  std::vector<std::string> rules_files;
  // Extra top-level YAML lines, appended as they are.
  std::string extra_yaml;
  // Empty: falco.yaml itself loads our plugin from LIBCONTAINER_PLUGIN_PATH.
  // Otherwise falco.yaml loads none (`load_plugins: []`, as Falco's packaged
  // one) and includes these files or directories (`config_files`), e.g. an
  // installed config.d drop-in that declares and loads it.
  std::vector<std::string> config_files;
};

// A private directory for one Falco run: its falco.yaml, rules files and
// outputs. Removed with the object.
class FalcoWorkdir {
 public:
  FalcoWorkdir();
  ~FalcoWorkdir();
  FalcoWorkdir(const FalcoWorkdir&) = delete;
  FalcoWorkdir& operator=(const FalcoWorkdir&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes `name` into the directory and returns its path.
  std::string Write(const std::string& name, const std::string& content) const;
  // Writes falco.yaml (JSON alerts on stdout, suggested output appended,
  // the plugin loaded as `settings.config_files` says) and returns its path.
  std::string WriteConfig(const FalcoSettings& settings) const;

 private:
  std::string dir_;
};

// One finished Falco run.
struct FalcoRun {
  testengines::CommandResult result;
  // Every stdout line that is a JSON object: the alerts with json_output.
  std::vector<nlohmann::json> alerts;
  // For failure messages: the command and the ends of both outputs.
  std::string Describe() const;
};

// Runs `falco -c <config> args...` to its end (hang guard: `timeout`).
FalcoRun RunFalco(const FalcoInstall& falco, const std::string& config, const std::vector<std::string>& args,
                  std::chrono::seconds timeout = std::chrono::seconds(120));
// Replays a capture file with the given config.
FalcoRun ReplayCapture(const FalcoInstall& falco, const std::string& config, const std::string& capture);

// Falco capturing live (modern eBPF probe), as root, until Stop().
class LiveFalco {
 public:
  // Starts Falco with `-o engine.kind=modern_ebpf` and the memlock shim; output
  // goes to files in `workdir`. Returns nullptr and *error on spawn failure.
  static std::unique_ptr<LiveFalco> Start(const FalcoInstall& falco, const FalcoWorkdir& workdir,
                                          const std::string& config, std::string* error);
  // SIGINT if still running (Falco prints its summary and exits 0), SIGKILL
  // after a bound; reaps it.
  ~LiveFalco();
  LiveFalco(const LiveFalco&) = delete;
  LiveFalco& operator=(const LiveFalco&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const;
  std::string Stdout() const;
  std::string Stderr() const;
  // Waits until stderr or stdout contains `text`, the process exits or the
  // hang guard passes.
  bool WaitForOutput(const std::string& text, std::chrono::seconds timeout) const;
  // SIGINT and reap; the run's outputs and exit status.
  FalcoRun Stop();

 private:
  LiveFalco(pid_t pid, std::string out_path, std::string err_path);
  pid_t pid_;
  std::string out_path_, err_path_;
  int status_ = -1;
  bool reaped_ = false;
};

// When a live Falco ended because the kernel's BPF verifier refused its
// modern eBPF probe (before any plugin is involved: Falco alone fails the
// same way), the kernel's reason and release; nullopt for any other ending.
// Newer kernels than the probe was written for do this (seen on 6.18.44).
std::optional<std::string> ProbeRejectedByKernel(const std::string& falco_stderr);

// The JSON objects among the lines of `text`.
std::vector<nlohmann::json> JsonLines(const std::string& text);

// A test fixture that has a Falco to run: without one the test is skipped
// and says why, or fails under CI=true.
template <typename Base = ::testing::Test>
class WithFalco : public Base {
 protected:
  void SetUp() override {
    std::string why;
    falco_ = FindFalco(&why);
    if (falco_) return;
    if (RequireFalco()) FAIL() << "no Falco to test with (CI=true): " << why;
    GTEST_SKIP() << "real Falco tests skipped: " << why;
  }
  const FalcoInstall& falco() const { return *falco_; }

 private:
  std::optional<FalcoInstall> falco_;
};

}  // namespace testfalco
