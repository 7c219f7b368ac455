#include "watch_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engines/test_process_util.h"

namespace watchtest {
namespace {

// Hang guard only: reached when the tool under test is broken.
constexpr auto kGuard = std::chrono::seconds(30);

std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra) overridden = overridden || x.substr(0, x.find('=')) == name;
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string OnlyEngine(const std::string& engine, const std::string& socket) {
  nlohmann::json engines;
  for (const char* name : {"docker", "podman", "containerd", "cri", "lxc", "libvirt_lxc", "bpm"}) {
    engines[name]["enabled"] = engine == name;
  }
  if (!socket.empty()) engines[engine]["sockets"] = {socket};
  return nlohmann::json{{"engines", engines}}.dump();
}

testengines::CommandResult RunWatch(const std::vector<std::string>& args,
                                    const std::vector<std::string>& env) {
  std::vector<std::string> argv{CONTAINER_WATCH_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return testengines::RunCommand(argv, env, 60000);
}

std::vector<std::string> Lines(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

FollowingWatch::FollowingWatch(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  char tmpl[] = "/tmp/container-watch-err-XXXXXX";
  const int err_fd = mkstemp(tmpl);
  if (err_fd < 0) return;
  err_path_ = tmpl;
  int out_pipe[2];
  if (pipe(out_pipe) != 0) {
    close(err_fd);
    return;
  }
  std::vector<std::string> argv{CONTAINER_WATCH_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envp = Environment(env);
  auto argv_ptrs = Pointers(argv);
  auto env_ptrs = Pointers(envp);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  if (posix_spawn(&pid_, argv_ptrs[0], &actions, nullptr, argv_ptrs.data(), env_ptrs.data()) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_fd);
  const int read_fd = out_pipe[0];
  reader_ = std::thread([this, read_fd] { ReadStdout(read_fd); });
}

FollowingWatch::~FollowingWatch() {
  Stop();
  if (reader_.joinable()) reader_.join();
  if (!err_path_.empty()) unlink(err_path_.c_str());
}

void FollowingWatch::ReadStdout(int fd) {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    std::lock_guard lock(mu_);
    out_.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
}

bool FollowingWatch::WaitForOutput(const std::function<bool(const std::vector<std::string>&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(OutLines())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool FollowingWatch::WaitForStderr(const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Err().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> FollowingWatch::OutLines() const {
  std::lock_guard lock(mu_);
  // Only whole lines: the last one may still be being written.
  return Lines(out_.substr(0, out_.rfind('\n') == std::string::npos ? 0 : out_.rfind('\n') + 1));
}

std::string FollowingWatch::Err() const {
  return err_path_.empty() ? "" : testengines::ReadFile(err_path_);
}

int FollowingWatch::Stop() {
  if (stopped_ || pid_ <= 0) return exit_code_;
  stopped_ = true;
  kill(pid_, SIGTERM);
  int status = testengines::WaitChild(pid_, static_cast<int>(std::chrono::milliseconds(kGuard).count()));
  if (status == -1) {
    kill(pid_, SIGKILL);
    status = testengines::WaitChild(pid_, 5000);
  }
  exit_code_ = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (reader_.joinable()) reader_.join();
  return exit_code_;
}

}  // namespace watchtest
