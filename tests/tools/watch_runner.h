// Runs the built container-watch (CONTAINER_WATCH_PATH) as a user would: to
// completion for the one-shot modes, or in the background for follow mode,
// reading its stdout line by line while the test changes the engines.
#pragma once

#include <sys/types.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engines/real_engines.h"

namespace watchtest {

// Only `engine` enabled, on `socket`.
std::string OnlyEngine(const std::string& engine, const std::string& socket);

// stdin from /dev/null, stdout and stderr captured; `env` adds "NAME=value".
testengines::CommandResult RunWatch(const std::vector<std::string>& args,
                                    const std::vector<std::string>& env = {});

std::vector<std::string> Lines(const std::string& text);

// container-watch following the engines, stopped with SIGTERM like Ctrl-C.
class FollowingWatch {
 public:
  explicit FollowingWatch(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
  ~FollowingWatch();
  FollowingWatch(const FollowingWatch&) = delete;
  FollowingWatch& operator=(const FollowingWatch&) = delete;

  bool started() const { return pid_ > 0; }
  // Waits (with a generous hang guard) until `done` holds for the stdout
  // lines so far; false if it never did.
  bool WaitForOutput(const std::function<bool(const std::vector<std::string>&)>& done);
  bool WaitForStderr(const std::string& text);
  std::vector<std::string> OutLines() const;
  std::string Err() const;
  // SIGTERM, then the exit code (-1 if it had to be killed).
  int Stop();

 private:
  void ReadStdout(int fd);

  pid_t pid_ = -1;
  std::string err_path_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string out_;
  int exit_code_ = -1;
  bool stopped_ = false;
};

}  // namespace watchtest
