#include "falco/falco_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "engines/test_process_util.h"

extern char** environ;

namespace testfalco {
namespace {

namespace fs = std::filesystem;

bool IsExecutable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path);
}

std::string Tail(const std::string& text, size_t max_bytes) {
  return text.size() <= max_bytes ? text : "..." + text.substr(text.size() - max_bytes);
}

}  // namespace

std::optional<FalcoInstall> FindFalco(std::string* why) {
  const char* from_env = std::getenv("LIBCONTAINER_FALCO_DIR");
  std::string dir = from_env != nullptr && *from_env != '\0' ? from_env : LIBCONTAINER_FALCO_DIR;
  if (dir.empty()) {
    *why =
        "LIBCONTAINER_FALCO_DIR is not set (environment or CMake option): point it at a Falco 0.45 build "
        "directory holding falco, memlock-shim.so and rules/ (.ci/run builds one)";
    return std::nullopt;
  }
  FalcoInstall install{dir, dir + "/falco", dir + "/memlock-shim.so", dir + "/rules"};
  if (!IsExecutable(install.falco)) {
    *why = "LIBCONTAINER_FALCO_DIR=" + dir + " has no executable 'falco'";
    return std::nullopt;
  }
  if (!fs::is_regular_file(install.rules_dir + "/falco_rules.yaml")) {
    *why = "LIBCONTAINER_FALCO_DIR=" + dir + " has no rules/falco_rules.yaml";
    return std::nullopt;
  }
  return install;
}

bool RequireFalco() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

FalcoWorkdir::FalcoWorkdir() {
  char tmpl[] = "/tmp/ct-falco.XXXXXX";
  if (mkdtemp(tmpl) != nullptr) dir_ = tmpl;
}

FalcoWorkdir::~FalcoWorkdir() {
  if (dir_.empty() || std::getenv("KEEP_FALCO_WORKDIR") != nullptr) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string FalcoWorkdir::Write(const std::string& name, const std::string& content) const {
  const std::string path = dir_ + "/" + name;
  testengines::WriteFile(path, content);
  return path;
}

std::string FalcoWorkdir::WriteConfig(const FalcoSettings& settings) const {
  std::string yaml;
  if (settings.config_files.empty()) {
    yaml += "load_plugins: [container]\n";
    yaml += "plugins:\n";
    yaml += "  - name: container\n";
    yaml += std::string("    library_path: ") + LIBCONTAINER_PLUGIN_PATH + "\n";
    yaml += "    init_config: " + settings.init_config + "\n";
  } else {
    // As Falco's packaged falco.yaml: no plugin unless an included file adds it.
    yaml += "load_plugins: []\n";
    yaml += "config_files:\n";
    for (const auto& file : settings.config_files) yaml += "  - " + file + "\n";
  }
  yaml += settings.rules_files.empty() ? "rules_files: []\n" : "rules_files:\n";
  for (const auto& rules : settings.rules_files) yaml += "  - " + rules + "\n";
  yaml += "json_output: true\n";
  yaml += "json_include_output_property: true\n";
  yaml += "json_include_output_fields_property: true\n";
  yaml += "append_output:\n  - suggested_output: true\n";
  yaml += "stdout_output:\n  enabled: true\n";
  yaml += "syslog_output:\n  enabled: false\n";
  yaml += "log_syslog: false\n";
  yaml += "log_stderr: true\n";
  yaml += "log_level: info\n";
  yaml += "priority: debug\n";
  yaml += "watch_config_files: false\n";
  yaml += "webserver:\n  enabled: false\n";
  yaml += settings.extra_yaml;
  return Write("falco.yaml", yaml);
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> objects;
  for (const std::string& line : testengines::Lines(text)) {
    if (line.front() != '{') continue;
    auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) objects.push_back(std::move(parsed));
  }
  return objects;
}

std::string FalcoRun::Describe() const {
  return "exit code " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
         "\n--- stderr:\n" + Tail(result.err, 4000) + "\n--- stdout:\n" + Tail(result.out, 4000);
}

FalcoRun RunFalco(const FalcoInstall& falco, const std::string& config, const std::vector<std::string>& args,
                  std::chrono::seconds timeout) {
  std::vector<std::string> argv = {falco.falco, "-c", config};
  argv.insert(argv.end(), args.begin(), args.end());
  FalcoRun run;
  run.result = testengines::RunCommand(argv, {}, static_cast<int>(timeout.count() * 1000));
  run.alerts = JsonLines(run.result.out);
  return run;
}

FalcoRun ReplayCapture(const FalcoInstall& falco, const std::string& config, const std::string& capture) {
  return RunFalco(falco, config, {"-o", "engine.kind=replay", "-o", "engine.replay.capture_file=" + capture});
}

std::unique_ptr<LiveFalco> LiveFalco::Start(const FalcoInstall& falco, const FalcoWorkdir& workdir,
                                            const std::string& config, std::string* error) {
  const std::string out_path = workdir.dir() + "/falco.stdout";
  const std::string err_path = workdir.dir() + "/falco.stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {falco.falco, "-c", config, "-o", "engine.kind=modern_ebpf"};
  std::vector<std::string> env = {"LD_PRELOAD=" + falco.memlock_shim};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("LD_PRELOAD=", 0) != 0) env.emplace_back(*e);
  }
  std::vector<char*> argp, envp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "posix_spawn " + args[0] + ": " + std::strerror(rc);
    return nullptr;
  }
  return std::unique_ptr<LiveFalco>(new LiveFalco(pid, out_path, err_path));
}

LiveFalco::LiveFalco(pid_t pid, std::string out_path, std::string err_path)
    : pid_(pid), out_path_(std::move(out_path)), err_path_(std::move(err_path)) {}

LiveFalco::~LiveFalco() {
  if (!reaped_) Stop();
}

bool LiveFalco::running() const {
  if (reaped_) return false;
  siginfo_t info{};
  // WNOWAIT leaves an exited child for Stop() to reap.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

std::string LiveFalco::Stdout() const {
  return testengines::ReadFile(out_path_);
}
std::string LiveFalco::Stderr() const {
  return testengines::ReadFile(err_path_);
}

bool LiveFalco::WaitForOutput(const std::string& text, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Stderr().find(text) != std::string::npos || Stdout().find(text) != std::string::npos) return true;
    if (!running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

FalcoRun LiveFalco::Stop() {
  FalcoRun run;
  if (!reaped_) {
    kill(pid_, SIGINT);
    status_ = testengines::WaitChild(pid_, 30000);
    if (status_ == -1) {
      run.result.timed_out = true;
      kill(pid_, SIGKILL);
      status_ = testengines::WaitChild(pid_, 10000);
    }
    reaped_ = true;
  }
  if (status_ != -1 && WIFEXITED(status_)) run.result.exit_code = WEXITSTATUS(status_);
  run.result.out = Stdout();
  run.result.err = Stderr();
  run.alerts = JsonLines(run.result.out);
  return run;
}

std::optional<std::string> ProbeRejectedByKernel(const std::string& falco_stderr) {
  if (falco_stderr.find("Initialization issues during scap_init") == std::string::npos ||
      falco_stderr.find("failed to load BPF skeleton") == std::string::npos) {
    return std::nullopt;
  }
  std::string reason = "the kernel's BPF verifier refused Falco's modern eBPF probe";
  // libbpf names the program and the verifier's last word before giving up.
  const size_t failed = falco_stderr.find("BPF program load failed");
  if (failed != std::string::npos) {
    const size_t line_start = falco_stderr.rfind('\n', failed);
    const size_t prog = falco_stderr.find("prog '", line_start == std::string::npos ? 0 : line_start);
    if (prog != std::string::npos && prog < failed) {
      reason += " (" + falco_stderr.substr(prog, falco_stderr.find(':', prog) - prog) + ")";
    }
  }
  struct utsname names {};
  if (uname(&names) == 0) reason += " on Linux " + std::string(names.release);
  return reason;
}

}  // namespace testfalco
