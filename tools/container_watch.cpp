// container-watch: runs the plugin's engine watchers outside Falco and prints
// one JSON line per container added or removed (the plugin's own payload).
//
// --proc instead loads libcontainer.so the way Falco does (through the test
// host), offers every /proc entry as a thread and prints what the plugin
// derives from cgroups alone (cgroup-only engines: lxc, libvirt-lxc, bpm,
// static). --fields / --schema print the plugin's field table / config schema.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "core/container_json.h"
#include "core/plugin_config.h"
#include "engines/engine_factory.h"
#include "host/event_builder.h"
#include "host/plugin_host.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void Usage() {
  std::cerr
      << "usage: container-watch [--once] [--timeout SECONDS] [--config JSON|@FILE]\n"
         "       container-watch --proc [--once] [--interval SECONDS] [--config JSON|@FILE] [--plugin PATH]\n"
         "       container-watch --fields | --schema [--plugin PATH]\n"
         "  --once       list the containers that exist now and exit\n"
         "  --timeout    with --once: how long to wait for the engines (default 5)\n"
         "  --config     the plugin's init config (same schema as in Falco; default: every engine\n"
         "               on its default sockets, prefixed with $HOST_ROOT)\n"
         "  --proc       derive containers from this machine's /proc cgroups through the plugin\n"
         "  --interval   with --proc: seconds between scans when following (default 1)\n"
         "  --fields     print the plugin's fields table and exit\n"
         "  --schema     print the plugin's init config schema and exit\n";
}

class StderrLogger : public libcontainer::Logger {
 public:
  explicit StderrLogger(libcontainer::LogLevel level) : level_(level) {}
  bool Enabled(libcontainer::LogLevel level) const override { return level >= level_; }
  void Log(libcontainer::LogLevel level, std::string_view message) const override {
    if (!Enabled(level)) return;
    std::lock_guard lock(mutex_);
    std::cerr << "container-watch: [" << libcontainer::LogLevelName(level) << "] " << message << std::endl;
  }

 private:
  libcontainer::LogLevel level_;
  mutable std::mutex mutex_;
};

// Watcher threads call it concurrently: one line at a time.
class PrintingSink : public libcontainer::ContainerSink {
 public:
  void OnContainer(const libcontainer::ContainerInfo& info) override {
    Print(libcontainer::ContainerToJson(info));
  }
  void OnContainerRemoved(const libcontainer::ContainerInfo& info) override {
    auto json = nlohmann::json::parse(libcontainer::ContainerToJson(info));
    Print(nlohmann::json{{"container_removed", json["container"]}}.dump());
  }
  size_t printed() const { return printed_; }

 private:
  void Print(const std::string& line) {
    std::lock_guard lock(mutex_);
    std::cout << line << std::endl;
    ++printed_;
  }
  std::mutex mutex_;
  size_t printed_ = 0;
};

int RunEngines(const std::string& config_text, bool once, double timeout_seconds) {
  libcontainer::PluginConfig config;
  try {
    config = libcontainer::ParsePluginConfig(config_text);
  } catch (const libcontainer::ConfigError& e) {
    std::cerr << "container-watch: invalid config: " << e.what() << "\n";
    return 2;
  }
  StderrLogger logger(config.log_level);
  PrintingSink sink;
  auto engines = libcontainer::CreateEngines(config, libcontainer::HostRootFromEnvironment(), logger);
  if (engines.empty()) {
    std::cerr << "container-watch: no engine enabled in the config\n";
    return 2;
  }
  for (auto& engine : engines) engine->Start(sink);
  if (once) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
    for (auto& engine : engines) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      engine->WaitForInitialList(std::max(left, std::chrono::milliseconds(0)));
    }
  } else {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Read before Stop(), which disconnects every session.
  std::vector<libcontainer::ContainerEngine::Stats> stats;
  stats.reserve(engines.size());
  for (const auto& engine : engines) stats.push_back(engine->stats());
  for (auto& engine : engines) engine->Stop();
  for (size_t i = 0; i < engines.size(); ++i) {
    const libcontainer::ContainerEngine::Stats& s = stats[i];
    std::cerr << "container-watch: " << engines[i]->name() << ": "
              << (s.connected ? "connected" : "not reachable")
              << (s.last_error.empty() ? "" : " (" + s.last_error + ")") << ", " << s.events << " events, "
              << s.file_events << " from an events log, " << s.reconnects << " reconnects, "
              << s.inspect_errors << " inspect errors\n";
  }
  std::cerr << "container-watch: " << sink.printed() << " container records printed\n";
  return 0;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// One /proc/<pid> entry as a host thread, like libsinsp's /proc scan.
bool ReadProcess(const std::filesystem::path& dir, int64_t pid, testhost::ThreadSpec* spec) {
  std::ifstream cgroup(dir / "cgroup");
  if (!cgroup) return false;
  spec->tid = spec->pid = pid;
  std::string line;
  while (std::getline(cgroup, line)) {
    // hierarchy-id:controllers:path
    auto first = line.find(':');
    auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    spec->cgroups.emplace_back(controllers.empty() ? "unified" : controllers, line.substr(second + 1));
  }
  std::ifstream status(dir / "status");
  while (std::getline(status, line)) {
    if (line.rfind("PPid:", 0) == 0) spec->ptid = std::stoll(line.substr(5));
    if (line.rfind("NSpid:", 0) == 0) {
      std::istringstream ids(line.substr(6));
      int64_t id = 0;
      while (ids >> id) spec->vpid = id;
      spec->vtid = spec->vpid;
    }
  }
  spec->comm = ReadFile(dir / "comm");
  if (!spec->comm.empty() && spec->comm.back() == '\n') spec->comm.pop_back();
  std::error_code ec;
  spec->exe = std::filesystem::read_symlink(dir / "exe", ec).string();
  std::string cmdline = ReadFile(dir / "cmdline");
  std::string arg;
  std::istringstream args(cmdline);
  bool first_arg = true;
  while (std::getline(args, arg, '\0')) {
    if (!first_arg) spec->args.push_back(arg);
    first_arg = false;
  }
  return true;
}

std::vector<int64_t> ScanProcesses(testhost::PluginHost& host) {
  host.ClearThreads();
  std::vector<int64_t> tids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    testhost::ThreadSpec spec;
    if (ReadProcess(entry.path(), std::stoll(name), &spec)) {
      host.AddThread(spec);
      tids.push_back(spec.tid);
    }
  }
  return tids;
}

// The containers the plugin holds, keyed by id, as the payloads it dumps.
std::map<std::string, nlohmann::json> Snapshot(testhost::PluginHost& host) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& event : host.DumpState()) {
    auto decoded = testhost::events::DecodeAsyncEvent(event);
    if (!decoded) continue;
    auto json = nlohmann::json::parse(decoded->data.c_str(), nullptr, false);
    if (json.is_discarded() || !json.contains("container")) continue;
    out[json["container"].value("id", "")] = json;
  }
  return out;
}

int Main(int argc, char** argv) {
  bool once = false, fields = false, schema = false, proc = false;
  double interval = 1.0;
  double timeout = 5.0;
  std::string config;
  std::string plugin_path = LIBCONTAINER_PLUGIN_PATH;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "container-watch: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    auto seconds = [&]() -> double {
      const std::string text = value();
      char* end = nullptr;
      const double parsed = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(parsed > 0)) {
        std::cerr << "container-watch: " << arg << " needs a positive number of seconds, got '" << text
                  << "'\n";
        std::exit(2);
      }
      return parsed;
    };
    if (arg == "--once") {
      once = true;
    } else if (arg == "--fields") {
      fields = true;
    } else if (arg == "--schema") {
      schema = true;
    } else if (arg == "--proc") {
      proc = true;
    } else if (arg == "--interval") {
      interval = seconds();
    } else if (arg == "--timeout") {
      timeout = seconds();
    } else if (arg == "--config") {
      config = value();
      if (!config.empty() && config[0] == '@') config = ReadFile(config.substr(1));
    } else if (arg == "--plugin") {
      plugin_path = value();
    } else if (arg == "--help" || arg == "-h") {
      Usage();
      return 0;
    } else {
      std::cerr << "container-watch: unknown argument " << arg << "\n";
      Usage();
      return 2;
    }
  }

  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  if (!fields && !schema && !proc) return RunEngines(config, once, timeout);

  std::string error;
  auto host = testhost::PluginHost::Load(plugin_path, &error);
  if (host == nullptr) {
    std::cerr << "container-watch: cannot load " << plugin_path << ": " << error << "\n";
    return 1;
  }
  if (schema) {
    std::cout << nlohmann::json::parse(host->InitSchema()).dump(2) << "\n";
    return 0;
  }
  if (fields) {
    for (const auto& f : nlohmann::json::parse(host->FieldsJson())) {
      std::string arg_kind;
      if (f.contains("arg")) arg_kind = f["arg"].value("isIndex", false) ? "[idx|key]" : "[key]";
      std::printf("%-36s %-8s %s\n", (f.value("name", "") + arg_kind).c_str(), f.value("type", "").c_str(),
                  f.value("desc", "").c_str());
    }
    return 0;
  }
  if (!host->Init(config, &error)) {
    std::cerr << "container-watch: plugin init failed: " << error << "\n";
    return 1;
  }
  host->EnableAsync();

  std::map<std::string, nlohmann::json> known;
  do {
    const auto tids = ScanProcesses(*host);
    host->CaptureOpen();
    host->DeliverAsyncEvents();
    auto now = Snapshot(*host);
    size_t in_containers = 0;
    for (int64_t tid : tids) {
      auto id = host->ThreadContainerId(tid);
      in_containers += id && !id->empty();
    }
    for (const auto& [id, payload] : now) {
      if (!known.count(id)) std::cout << payload.dump() << std::endl;
    }
    for (const auto& [id, payload] : known) {
      if (!now.count(id))
        std::cout << nlohmann::json{{"container_removed", payload["container"]}}.dump() << std::endl;
    }
    if (once || known.empty()) {
      std::cerr << "container-watch: " << tids.size() << " processes scanned, " << in_containers
                << " in containers, " << now.size() << " containers with metadata\n";
    }
    known = std::move(now);
    if (once) break;
    for (int i = 0; i < static_cast<int>(interval * 10) && !g_stop; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } while (!g_stop);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    // Only a broken plugin build gets here (e.g. a schema that is not JSON).
    std::cerr << "container-watch: " << e.what() << "\n";
    return 1;
  }
}
