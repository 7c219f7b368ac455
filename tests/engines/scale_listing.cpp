#include "engines/scale_listing.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <vector>

#include "host/event_builder.h"
#include "host/plugin_host.h"
#include "host/thread_specs.h"

namespace testengines {
namespace {

using Clock = std::chrono::steady_clock;
namespace ev = testhost::events;

constexpr int64_t kTid = 50'000'000;

long RssKb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::atol(line + 6);
  }
  std::fclose(f);
  return kb;
}

double CpuSecondsOfSelf() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Once every listed container has arrived, the engines still end their listings (the summary line,
// then the listing's own state is freed). Memory is read after that: what stays is what the cache
// and the watchers keep. A bench-only settle, bounded by `patience`.
bool WaitForListingsEnded(testhost::PluginHost& host, const ScaleOptions& options) {
  const auto ended = [&](std::string_view engine) {
    const std::string prefix = std::string(engine) + ": the ";
    for (const auto& line : host.Logs()) {
      if (line.message.starts_with(prefix) && line.message.find(" are inspected, in ") != std::string::npos)
        return true;
    }
    return false;
  };
  const auto idle = [&] {
    for (const auto& m : host.Metrics()) {
      if (m.name.ends_with("_inspects_queued") && m.value != 0) return false;
    }
    return true;
  };
  const auto deadline = Clock::now() + options.patience;
  while ((options.docker > 0 && !ended("docker")) || (options.cri > 0 && !ended("cri")) || !idle()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The summary is logged just before the listing's state goes.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return true;
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// The scale-fake-engines helper as a child process, driven through its stdin and stdout.
class Helper {
 public:
  ~Helper() {
    if (pid_ <= 0) return;
    if (to_ != nullptr) std::fclose(to_);  // end of input: it exits
    if (from_ != nullptr) std::fclose(from_);
    for (int i = 0; i < 100 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) ::usleep(50'000);
    if (::kill(pid_, 0) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool Start(const std::vector<std::string>& args, std::string* error) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      *error = "pipe failed";
      return false;
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(SCALE_FAKE_ENGINES_PATH));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = ::fdopen(in[1], "w");
    from_ = ::fdopen(out[0], "r");
    if (pid_ < 0 || to_ == nullptr || from_ == nullptr) {
      *error = "cannot start " + std::string(SCALE_FAKE_ENGINES_PATH);
      return false;
    }
    if (ReadLine() != "ready") {
      *error = "scale-fake-engines did not get ready";
      return false;
    }
    return true;
  }

  // User and system CPU time so far, from /proc/<pid>/stat (fields 14 and 15, after the
  // parenthesised command name); 0 if it cannot be read.
  double CpuSeconds() const {
    FILE* f = std::fopen(("/proc/" + std::to_string(pid_) + "/stat").c_str(), "r");
    if (f == nullptr) return 0;
    char stat[1024] = {};
    const size_t n = std::fread(stat, 1, sizeof(stat) - 1, f);
    std::fclose(f);
    const char* after_name = std::strrchr(stat, ')');
    if (n == 0 || after_name == nullptr) return 0;
    unsigned long utime = 0, stime = 0;
    // Fields 3..13 are skipped: state, then ten numbers.
    if (std::sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) !=
        2)
      return 0;
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

  std::string Command(const std::string& command, bool answered) {
    std::fprintf(to_, "%s\n", command.c_str());
    std::fflush(to_);
    return answered ? ReadLine() : std::string();
  }

 private:
  std::string ReadLine() {
    char line[512];
    if (std::fgets(line, sizeof(line), from_) == nullptr) return "";
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

// Which containers arrived, by the number the helper encodes in their ids: <engine><11 hex>aaa...
class Arrivals {
 public:
  Arrivals(int docker, int cri) : docker_(docker + 1), cri_(cri + 1), pods_(cri / kCriContainersPerPod + 2) {}

  // The container a delivered `container` event is of: (engine letter, number), or ('\0', 0). Found
  // in the payload's text rather than by parsing it: this runs on the event thread being measured.
  static std::pair<char, int> Of(const std::vector<uint8_t>& event) {
    const auto decoded = ev::DecodeAsyncEvent(event);
    if (!decoded || decoded->name != "container") return {'\0', 0};
    static constexpr std::string_view kKey = "\"full_id\":\"";
    const size_t at = decoded->data.find(kKey);
    if (at == std::string::npos || decoded->data.size() < at + kKey.size() + 64) return {'\0', 0};
    const std::string id = decoded->data.substr(at + kKey.size(), 64);
    return {id[0], static_cast<int>(std::strtol(id.substr(1, 11).c_str(), nullptr, 16))};
  }

  // Counts a first arrival; true if it was one.
  bool Note(char engine, int n) {
    std::vector<bool>* seen = engine == 'd'   ? &docker_
                              : engine == 'c' ? &cri_
                              : engine == 'p' ? &pods_
                                              : nullptr;
    if (seen == nullptr || n < 0 || static_cast<size_t>(n) >= seen->size() || (*seen)[n]) return false;
    (*seen)[n] = true;
    return true;
  }

 private:
  std::vector<bool> docker_, cri_, pods_;
};

// Call times in power-of-two buckets of nanoseconds: a percentile without keeping every sample.
class CallTimes {
 public:
  void Add(Clock::duration d) {
    const auto ns = static_cast<uint64_t>(std::max<int64_t>(1, std::chrono::nanoseconds(d).count()));
    ++buckets_[std::bit_width(ns) - 1];
    ++count_;
    slowest_ = std::max(slowest_, d);
  }
  // The upper bound of the bucket holding the p-th percentile, in microseconds.
  double PercentileUs(double p) const {
    uint64_t seen = 0;
    for (size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen >= count_ * p / 100) return static_cast<double>(uint64_t{2} << b) / 1000;
    }
    return 0;
  }
  double SlowestUs() const { return std::chrono::duration<double, std::micro>(slowest_).count(); }

 private:
  std::array<uint64_t, 64> buckets_{};
  uint64_t count_ = 0;
  Clock::duration slowest_{};
};

std::string HexId(char engine, int n) {
  char head[32];
  std::snprintf(head, sizeof(head), "%c%011x", engine, n);
  return std::string(head) + std::string(52, 'a');
}

}  // namespace

ScaleResult RunScaleListing(const ScaleOptions& options) {
  ScaleResult result;
  char dir_template[] = "/tmp/scale-listing-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  Helper helper;
  if (!helper.Start(
          {dir, std::to_string(options.docker), std::to_string(options.cri), std::to_string(options.hold_at)},
          &result.error)) {
    std::filesystem::remove_all(dir);
    return result;
  }
  const nlohmann::json off = {{"enabled", false}};
  // info: each engine's listing summary says when its listing ended.
  const nlohmann::json config = {{"log_level", "info"},
                                 {"engines",
                                  {{"docker", {{"enabled", true}, {"sockets", {dir + "/docker.sock"}}}},
                                   {"cri", {{"enabled", true}, {"sockets", {dir + "/cri.sock"}}}},
                                   {"podman", off},
                                   {"containerd", off},
                                   {"lxc", off},
                                   {"libvirt_lxc", off},
                                   {"bpm", off},
                                   {"static", off}}}};
  auto host = testhost::PluginHost::Load(LIBCONTAINER_PLUGIN_PATH, &result.error);
  if (host == nullptr || !host->Init(config.dump(), &result.error)) {
    std::filesystem::remove_all(dir);
    return result;
  }
  // libsinsp hands out its own strings; the host's fresh buffer per read is a test of lifetimes.
  host->set_strict_string_lifetime(false);
  testhost::ThreadSpec thread = testhost::DockerThread(kTid, /*vpid=*/2, HexId('d', 0));
  host->AddThread(thread);
  const std::vector<uint8_t> execve = ev::ExecveExit(kTid, 0);
  const std::vector<uint8_t> open = ev::OpenExit(kTid);

  Arrivals arrivals(options.docker, options.cri);
  CallTimes calls;
  malloc_trim(0);
  result.rss_before_kb = RssKb();
  const double cpu_plugin_before = CpuSecondsOfSelf(), cpu_engines_before = helper.CpuSeconds();
  const auto start = Clock::now();
  host->EnableAsync();

  Clock::time_point injected_at{}, last_turn = Clock::now();
  int injected_docker = -1, injected_cri = -1;
  bool docker_in = false, cri_in = false, released = options.hold_at == 0;
  const int pods = (options.cri + kCriContainersPerPod - 1) / kCriContainersPerPod;
  auto cri_done = [&] { return result.cri_listed == options.cri && result.sandboxes_listed == pods; };
  const auto deadline = start + options.patience;
  while (!(result.docker_listed == options.docker && cri_done() && docker_in && cri_in)) {
    const auto turn = Clock::now();
    result.longest_turn_ms = std::max(result.longest_turn_ms, Ms(turn - last_turn));
    last_turn = turn;
    ++result.turns;
    if (turn > deadline) {
      result.error = "patience ran out: docker " + std::to_string(result.docker_listed) + "/" +
                     std::to_string(options.docker) + ", cri " + std::to_string(result.cri_listed) + "/" +
                     std::to_string(options.cri) + ", sandboxes " + std::to_string(result.sandboxes_listed) +
                     "/" + std::to_string(pods) + ", injected " + (docker_in ? "docker " : "") +
                     (cri_in ? "cri" : "");
      break;
    }
    host->WaitForAsyncEvents(1, std::chrono::milliseconds(2));
    host->DeliverAsyncEvents();
    for (const auto& event : host->LastDeliveredAsyncEvents()) {
      const auto [engine, n] = Arrivals::Of(event);
      if (!arrivals.Note(engine, n)) continue;
      const auto now = Clock::now();
      if (engine == 'p' && n >= pods) {
        continue;  // the injected container's own pod
      } else if (engine == 'p') {
        ++result.sandboxes_listed;
        if (cri_done()) result.cri_listed_s = std::chrono::duration<double>(now - start).count();
      } else if (engine == 'd' && n == injected_docker) {
        docker_in = true;
        result.docker_before_injected_docker = result.docker_listed;
        result.injected_docker_ms = Ms(now - injected_at);
      } else if (engine == 'c' && n == injected_cri) {
        cri_in = true;
        result.docker_before_injected_cri = result.docker_listed;
        result.injected_cri_ms = Ms(now - injected_at);
      } else if (engine == 'd' && ++result.docker_listed == options.docker) {
        result.docker_listed_s = std::chrono::duration<double>(now - start).count();
      } else if (engine == 'c' && ++result.cri_listed == options.cri && cri_done()) {
        result.cri_listed_s = std::chrono::duration<double>(now - start).count();
      }
    }
    if (result.docker_listed > 0) {
      const auto before = Clock::now();
      host->Parse(execve);
      const auto name = host->Extract(open, "container.name");
      calls.Add(Clock::now() - before);
      if (name && name->str == "web-0" && result.docker_listed < options.docker)
        result.name_while_listing = true;
    }
    if (injected_docker < 0 && result.docker_listed >= options.inject_at) {
      injected_at = Clock::now();
      result.injected_at = result.docker_listed;
      char docker_id[80], cri_id[80];
      if (std::sscanf(helper.Command("inject", true).c_str(), "injected %79s %79s", docker_id, cri_id) != 2) {
        result.error = "the helper did not inject";
        break;
      }
      injected_docker =
          static_cast<int>(std::strtol(std::string(docker_id).substr(1, 11).c_str(), nullptr, 16));
      injected_cri = static_cast<int>(std::strtol(std::string(cri_id).substr(1, 11).c_str(), nullptr, 16));
    }
    if (!released && cri_in) {
      helper.Command("release", false);
      released = true;
    }
  }
  result.cpu_plugin_s = CpuSecondsOfSelf() - cpu_plugin_before;
  result.cpu_engines_s = helper.CpuSeconds() - cpu_engines_before;
  result.turns = std::max<uint64_t>(result.turns, 1);
  result.slowest_call_us = calls.SlowestUs();
  result.p99_call_us = calls.PercentileUs(99);
  for (const auto& m : host->Metrics()) {
    if (m.name == "n_containers") result.cached = m.value;
  }
  if (result.error.empty() && !WaitForListingsEnded(*host, options)) {
    result.error = "the engines did not end their listings";
  }
  result.rss_after_kb = RssKb();
  malloc_trim(0);
  result.rss_after_trim_kb = RssKb();
  if (!released) helper.Command("release", false);
  host.reset();
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace testengines
