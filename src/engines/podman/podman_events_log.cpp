#include "engines/podman/podman_events_log.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "core/container_text.h"
#include "engines/podman/podman_decoder.h"

namespace libcontainer {
namespace {

// Log lines quote at most this much of a skipped line.
constexpr size_t kQuotedBytes = 200;

constexpr uint32_t kWatchMask = IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

std::string ParentDir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

PodmanEventsLog::PodmanEventsLog(std::string path, Callbacks callbacks, const Logger& logger,
                                 std::chrono::milliseconds rewatch,
                                 std::chrono::milliseconds warning_interval)
    : path_(std::move(path)),
      dir_(ParentDir(path_)),
      name_(std::filesystem::path(path_).filename().string()),
      callbacks_(std::move(callbacks)),
      logger_(logger),
      rewatch_(rewatch),
      malformed_warning_(logger, "podman", "malformed lines in " + path_, warning_interval) {}

PodmanEventsLog::~PodmanEventsLog() {
  Stop();
  CloseFile();
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void PodmanEventsLog::Start() {
  if (wake_fd_ >= 0 || inotify_fd_ >= 0) return;
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  inotify_fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (wake_fd_ < 0 || inotify_fd_ < 0) {
    logger_.Warning("podman: cannot follow events log " + path_ + ": " + std::strerror(errno) +
                    "; its events arrive through the API only");
    return;
  }
  AddWatch();
  Sync(NewFile::kFromEnd);
  thread_ = std::thread([this] { Run(); });
}

void PodmanEventsLog::Stop() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
  malformed_warning_.Flush();
}

void PodmanEventsLog::Run() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const int timeout_ms = watch_ < 0 ? static_cast<int>(rewatch_.count()) : -1;
    if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR) {
      logger_.Warning("podman: stopped following events log " + path_ + ": poll: " + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    if (fds[1].revents != 0) HandleNotifications();
    // The directory (re)appeared: whatever its log holds is new.
    if (watch_ < 0 && AddWatch()) Sync(NewFile::kFromStart);
  }
}

bool PodmanEventsLog::AddWatch() {
  watch_ = inotify_add_watch(inotify_fd_, dir_.c_str(), kWatchMask);
  if (watch_ >= 0) {
    missing_dir_logged_ = false;
    logger_.Info("podman: following events log " + path_);
    return true;
  }
  if (!std::exchange(missing_dir_logged_, true)) {
    const int error = errno;
    const std::string message = "podman: cannot watch " + dir_ + " for events log " + path_ + ": " +
                                std::strerror(error) + "; trying again every " +
                                std::to_string(rewatch_.count()) + " ms";
    // No directory is the normal case when podman logs to journald.
    if (error == ENOENT || error == ENOTDIR) {
      logger_.Debug(message);
    } else {
      logger_.Warning(message);
    }
  }
  return false;
}

void PodmanEventsLog::HandleNotifications() {
  alignas(inotify_event) char buffer[16 * 1024];
  bool changed = false, watch_lost = false;
  // A rename over the log is how podman rotates it, keeping old lines.
  NewFile new_file = NewFile::kFromStart;
  ssize_t n;
  while ((n = read(inotify_fd_, buffer, sizeof(buffer))) > 0) {
    for (const char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        changed = true;  // notifications were lost, not data: reading catches up
      } else if (event->wd != watch_) {
        continue;  // left over from a watch already dropped
      } else if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        watch_lost = true;
      } else if (event->len > 0 && name_ == event->name) {
        changed = true;
        if (event->mask & IN_MOVED_TO) new_file = NewFile::kFromEnd;
      }
    }
  }
  if (watch_lost) {
    inotify_rm_watch(inotify_fd_, watch_);  // EINVAL after IN_IGNORED: fine
    watch_ = -1;
    logger_.Debug("podman: lost the watch on " + dir_ + "; looking for it again");
  }
  if (changed || watch_lost) Sync(new_file);
}

void PodmanEventsLog::Sync(NewFile new_file) {
  struct stat st {};
  const bool exists = stat(path_.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  if (file_fd_ >= 0) {
    // The old file's last lines first, whether it is still the log or not.
    ReadAppended();
    if (exists && st.st_dev == file_dev_ && st.st_ino == file_ino_) return;
    CloseFile();
  }
  if (!exists) return;
  const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat opened {};
  if (fd < 0 || fstat(fd, &opened) != 0) {
    if (fd >= 0) close(fd);
    logger_.Debug("podman: cannot open events log " + path_ + ": " + std::strerror(errno));
    return;
  }
  file_fd_ = fd;
  file_dev_ = opened.st_dev;
  file_ino_ = opened.st_ino;
  offset_ = new_file == NewFile::kFromEnd ? opened.st_size : 0;
  ReadAppended();
}

void PodmanEventsLog::ReadAppended() {
  struct stat st {};
  if (fstat(file_fd_, &st) == 0 && st.st_size < offset_) {
    // Truncated in place: what it holds now was written since.
    logger_.Debug("podman: events log " + path_ + " was truncated");
    offset_ = 0;
    partial_.clear();
    skipping_long_line_ = false;
  }
  char buffer[16 * 1024];
  while (!stopping_.load()) {
    const ssize_t n = pread(file_fd_, buffer, sizeof(buffer), offset_);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    offset_ += n;
    Consume(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

void PodmanEventsLog::Consume(std::string_view data) {
  while (!data.empty()) {
    const size_t newline = data.find('\n');
    const bool complete = newline != std::string_view::npos;
    const std::string_view piece = data.substr(0, newline);
    data.remove_prefix(complete ? newline + 1 : data.size());
    if (skipping_long_line_) {
      skipping_long_line_ = !complete;
    } else if (partial_.size() + piece.size() > kMaxLineBytes) {
      CountMalformed("overlong line", partial_.empty() ? piece : std::string_view(partial_));
      partial_.clear();
      skipping_long_line_ = !complete;
    } else if (!complete) {
      partial_.append(piece);
    } else if (partial_.empty()) {
      HandleLine(piece);
    } else {
      partial_.append(piece);
      HandleLine(partial_);
      partial_.clear();
    }
  }
}

void PodmanEventsLog::HandleLine(std::string_view line) {
  lines_.fetch_add(1);
  if (std::optional<EngineEvent> event = DecodePodmanLogEvent(line)) {
    callbacks_.on_event(*event);
    return;
  }
  // Image, pod, volume and system events decode to nothing too.
  if (!nlohmann::json::accept(line)) CountMalformed("malformed line", line);
}

void PodmanEventsLog::CountMalformed(std::string_view why, std::string_view line) {
  malformed_.fetch_add(1);
  if (callbacks_.on_malformed) callbacks_.on_malformed();
  malformed_warning_.Note([&] {
    // Cleaned: a NUL would end the host's log line there.
    return "podman: skipping " + std::string(why) + " in " + path_ + ": " +
           CleanText(line.substr(0, kQuotedBytes));
  });
}

void PodmanEventsLog::CloseFile() {
  if (file_fd_ >= 0) close(file_fd_);
  file_fd_ = -1;
  partial_.clear();
  skipping_long_line_ = false;
}

}  // namespace libcontainer
