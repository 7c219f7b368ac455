// Follows one podman events log (containers.conf events_logger = "file") with
// inotify. Podman's API service learns of an event only by polling that same
// file, 100-250 ms late; read here, the event arrives while the container is
// still being created. The directory is watched, so a log that does not exist
// yet, is created later, truncated or replaced is followed; a missing
// directory is looked for again periodically.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "core/logger.h"
#include "engines/common/engine_event.h"
#include "engines/repeated_warning.h"

namespace libcontainer {

class PodmanEventsLog {
 public:
  struct Callbacks {
    // Every container event of the log, on this object's thread.
    std::function<void(const EngineEvent&)> on_event;
    // Every line skipped as malformed (not JSON, or too long), as the
    // engine's malformed-events counter counts them; may be empty.
    std::function<void()> on_malformed;
  };

  // Lines longer than this are skipped (and counted malformed): podman's are
  // well under 1 KiB unless a container has huge labels.
  static constexpr size_t kMaxLineBytes = 256 * 1024;

  // Skipped lines are logged as warnings by RepeatedWarning's rule: at most
  // one per `warning_interval`, the rest counted in the next one.
  PodmanEventsLog(std::string path, Callbacks callbacks, const Logger& logger,
                  std::chrono::milliseconds rewatch, std::chrono::milliseconds warning_interval);
  ~PodmanEventsLog();
  PodmanEventsLog(const PodmanEventsLog&) = delete;
  PodmanEventsLog& operator=(const PodmanEventsLog&) = delete;

  // Takes the current end of the log (earlier containers are the API
  // listing's), then follows it on a thread of its own. At most once.
  void Start();
  // Prompt and idempotent; joins the thread, then logs how many skipped
  // lines went unlogged.
  void Stop();

  const std::string& path() const { return path_; }
  uint64_t lines() const { return lines_.load(); }          // complete lines read
  uint64_t malformed() const { return malformed_.load(); }  // not JSON, or too long

 private:
  // Where a log that replaced the followed one (or appeared) is read from.
  enum class NewFile { kFromStart, kFromEnd };

  void Run();
  bool AddWatch();
  // Drains the inotify queue and reads whatever it announced.
  void HandleNotifications();
  // Reads what was appended, switching to a new file at `path_` if there is one.
  void Sync(NewFile new_file);
  void ReadAppended();
  void Consume(std::string_view data);
  void HandleLine(std::string_view line);
  void CountMalformed(std::string_view why, std::string_view line);
  void CloseFile();

  const std::string path_, dir_, name_;
  const Callbacks callbacks_;
  const Logger& logger_;
  const std::chrono::milliseconds rewatch_;
  RepeatedWarning malformed_warning_;

  // Owned by the thread once it runs (by Start before).
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() wakes the poll
  int watch_ = -1;
  int file_fd_ = -1;
  dev_t file_dev_ = 0;
  ino_t file_ino_ = 0;
  off_t offset_ = 0;
  std::string partial_;              // the last line, not yet complete
  bool skipping_long_line_ = false;  // discarding up to the next newline
  bool missing_dir_logged_ = false;

  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> lines_{0}, malformed_{0};
  std::thread thread_;
};

}  // namespace libcontainer
