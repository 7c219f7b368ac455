// Docker image inspects answered in the last few seconds, by image: the
// containers of one image (a listing at start, a burst of replicas) share one
// answer instead of each asking dockerd again, which halves the requests of a
// listing. Short-lived, because an image's RepoDigests change when it is
// pulled or pushed again; bounded, because image names come from outside.
// Thread-safe: the session thread and the inspect workers share it.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace libcontainer {

class RecentImages {
 public:
  using Clock = std::chrono::steady_clock;

  RecentImages(std::chrono::milliseconds lifetime, size_t capacity)
      : lifetime_(lifetime), capacity_(capacity) {}

  // The answer kept for `image`, unless older than the lifetime.
  std::optional<std::string> Find(const std::string& image, Clock::time_point now = Clock::now()) const;
  void Keep(const std::string& image, std::string body, Clock::time_point now = Clock::now());

 private:
  const std::chrono::milliseconds lifetime_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::pair<std::string, Clock::time_point>> entries_;  // body, answered at
};

}  // namespace libcontainer
