// scale-fake-engines: a fake docker and a fake CRI runtime holding thousands of containers, for the
// scale benchmark and its test, which load the plugin .so and so must not link the generated protos
// themselves (the .so carries its own copy; protobuf aborts on a second registration). Running the
// fakes in a process of their own also keeps their memory and requests out of the measured process.
//
//   scale-fake-engines DIR DOCKER_CONTAINERS CRI_CONTAINERS [HOLD_AT]
//
// Serves DIR/docker.sock (ping, version, list, inspect, image inspect, events) and DIR/cri.sock (the
// FakeCriServer, 10 containers per pod), every container built from the recorded samples with its own
// id, name and labels. With HOLD_AT > 0, the docker inspect of the HOLD_AT-th listed container waits
// until "release" (a listing stuck half-way, as behind an engine slow to answer). Prints "ready" once
// both serve, then reads commands on stdin, one per line:
//   inject    a container is made on each engine, announced by a create event; prints
//             "injected DOCKER_ID CRI_ID"
//   release   answers the held inspect, and every later one at once
// and exits at the end of its input. Exit 2 on bad usage, 1 if a sample cannot be read.
#include <google/protobuf/util/json_util.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engines/fake_cri_server.h"
#include "engines/proto_entries.h"
#include "engines/proto_json.h"
#include "engines/scale_listing.h"

namespace {

namespace cri = ::runtime::v1;
using nlohmann::json;

constexpr int kContainersPerPod = testengines::kCriContainersPerPod;
constexpr const char* kDockerVersion = R"({"Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12"})";
constexpr const char* kDockerImage =
    R"({"Id":"sha256:1a1a","RepoTags":["nginx:1.25"],"RepoDigests":["nginx@sha256:abc"]})";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// 64 characters, distinct per (engine, n) in the first 12: the plugin keys containers by those.
std::string HexId(char engine, int n) {
  char head[32];
  std::snprintf(head, sizeof(head), "%c%011x", engine, n);
  return std::string(head) + std::string(52, 'a');
}

// One HTTP/1.1 connection: GET requests in, responses out (no request bodies: the watchers only GET).
class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}

  // The next request's target, "" once the peer closed.
  std::string ReadTarget() {
    size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return "";
      buffered_.append(buf, static_cast<size_t>(n));
    }
    const std::string line = buffered_.substr(0, buffered_.find("\r\n"));
    buffered_.erase(0, end + 4);
    const size_t from = line.find(' ') + 1, to = line.rfind(' ');
    return from == 0 || to <= from ? std::string() : line.substr(from, to - from);
  }
  bool Respond(int status, std::string_view body) {
    return Write("HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Not Found") +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + std::string(body));
  }
  bool StartChunks() {
    return Write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  }
  bool Chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
    return Write(size + data + "\r\n");
  }
  // True once the peer closed (or sent something, which a stream's client never does).
  bool PeerGone() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

 private:
  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  const int fd_;
  std::string buffered_;
};

// A unix socket server with a thread per connection, which closes its socket when the connection
// ends. (The tests' FakeHttpServer keeps every socket open until it goes, so that fd numbers are
// never reused under a test: at one connection per request, that runs out of descriptors long
// before 10,000 containers are inspected twice.)
class Listener {
 public:
  using Handler = std::function<void(Connection&)>;

  Listener(const std::string& path, Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          ::listen(fd_, 128) == 0;
    if (ok_) accept_ = std::thread([this] { Accept(); });
  }
  bool ok() const { return ok_; }

  // Stops accepting, ends every connection and waits for their threads.
  ~Listener() {
    ::shutdown(fd_, SHUT_RDWR);
    if (accept_.joinable()) accept_.join();
    std::unique_lock lock(mu_);
    for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    done_.wait(lock, [&] { return open_.empty(); });
    ::close(fd_);
  }

 private:
  void Accept() {
    while (true) {
      const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      std::lock_guard lock(mu_);
      open_.insert(fd);
      std::thread([this, fd] {
        Connection connection(fd);
        handler_(connection);
        std::lock_guard lock(mu_);
        ::close(fd);
        open_.erase(fd);
        done_.notify_all();
      }).detach();
    }
  }

  const Handler handler_;
  int fd_ = -1;
  bool ok_ = false;
  std::thread accept_;
  std::mutex mu_;
  std::condition_variable done_;
  std::unordered_set<int> open_;
};

// Docker's side: the list, an inspect per container, the events stream.
class ScaleDocker {
 public:
  ScaleDocker(std::string sample, int count, int hold_at) : sample_(std::move(sample)), hold_at_(hold_at) {
    list_ = "[";
    for (int n = 0; n < count; ++n) {
      const std::string id = Add(n);
      list_ += std::string(n == 0 ? "" : ",") + R"({"Id":")" + id + "\"}";
      if (n + 1 == hold_at) held_id_ = id;
    }
    list_ += "]";
  }

  // A new container and its create event; returns its id.
  std::string Inject(int n) {
    const std::string id = Add(n);
    std::lock_guard lock(mu_);
    events_.push_back(R"({"status":"create","id":")" + id + R"(","Type":"container","Action":"create",)" +
                      R"("Actor":{"ID":")" + id +
                      R"(","Attributes":{"name":"injected","image":"nginx:1.25"}},)" + R"("time":)" +
                      std::to_string(std::time(nullptr)) + "}");
    cv_.notify_all();
    return id;
  }

  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  // Ends the streams and the held inspect: the helper is going.
  void Stop() {
    Release();
    stopping_ = true;
  }

  void Serve(Connection& conn) {
    for (std::string target = conn.ReadTarget(); !target.empty(); target = conn.ReadTarget()) {
      const std::string path = target.substr(0, target.find('?'));
      bool ok = true;
      if (path == "/_ping") {
        ok = conn.Respond(200, "OK");
      } else if (path == "/version") {
        ok = conn.Respond(200, kDockerVersion);
      } else if (path.ends_with("/events")) {
        return Stream(conn);
      } else if (path.ends_with("/containers/json")) {
        ok = conn.Respond(200, list_);
      } else if (path.find("/images/") != std::string::npos) {
        ok = conn.Respond(200, kDockerImage);
      } else if (const size_t at = path.find("/containers/");
                 at != std::string::npos && path.ends_with("/json")) {
        const std::string id = path.substr(at + 12, path.size() - 5 - (at + 12));
        WaitIfHeld(id);
        const std::string body = Find(id);
        ok = body.empty() ? conn.Respond(404, R"({"message":"no such container"})") : conn.Respond(200, body);
      } else {
        ok = conn.Respond(404, R"({"message":"page not found"})");
      }
      if (!ok) return;
    }
  }

 private:
  std::string Add(int n) {
    const std::string id = HexId('d', n);
    json doc = json::parse(sample_);
    doc["Id"] = id;
    doc["Name"] = "/web-" + std::to_string(n);
    doc["Config"]["Labels"]["app"] = "web-" + std::to_string(n % 50);
    doc["Config"]["Labels"]["replica"] = std::to_string(n);
    std::lock_guard lock(mu_);
    bodies_[id] = doc.dump();
    return id;
  }

  std::string Find(const std::string& id) {
    std::lock_guard lock(mu_);
    const auto it = bodies_.find(id);
    return it == bodies_.end() ? std::string() : it->second;
  }

  void WaitIfHeld(const std::string& id) {
    std::unique_lock lock(mu_);
    if (id == held_id_) cv_.wait(lock, [&] { return released_; });
  }

  void Stream(Connection& conn) {
    if (!conn.StartChunks()) return;
    size_t next = 0;  // every event so far is after the stream's `since`
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return next < events_.size(); });
      while (next < events_.size()) {
        const std::string line = events_[next++] + "\n";
        lock.unlock();
        if (!conn.Chunk(line)) return;
        lock.lock();
      }
      lock.unlock();
      const bool gone = conn.PeerGone() || stopping_;
      lock.lock();
      if (gone) return;
    }
  }

  const std::string sample_;
  const int hold_at_;
  std::string list_;
  std::string held_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::string> bodies_;
  std::vector<std::string> events_;
  bool released_ = false;
  std::atomic<bool> stopping_{false};
};

// CRI's side: containers from the verbose samples, kContainersPerPod per pod.
class ScaleCri {
 public:
  ScaleCri(libcontainer::testing::FakeCriServer& server, const std::string& container_sample,
           const std::string& pod_sample)
      : server_(server) {
    // Recorded as upstream's JSON: our protos read engine text as bytes.
    google::protobuf::util::JsonStringToMessage(
        libcontainer::engine_testing::AsOurProtoJson<cri::ContainerStatusResponse>(container_sample),
        &container_);
    google::protobuf::util::JsonStringToMessage(
        libcontainer::engine_testing::AsOurProtoJson<cri::PodSandboxStatusResponse>(pod_sample), &pod_);
  }
  bool ok() const { return container_.has_status() && pod_.has_status(); }

  std::string Add(int n) {
    const int pod = n / kContainersPerPod;
    const std::string pod_id = HexId('p', pod);
    if (n % kContainersPerPod == 0) {
      cri::PodSandboxStatusResponse sandbox = pod_;
      sandbox.mutable_status()->set_id(pod_id);
      sandbox.mutable_status()->mutable_metadata()->set_name("pod-" + std::to_string(pod));
      libcontainer::engine_testing::SetEntry(sandbox.mutable_status()->mutable_labels(),
                                             "io.kubernetes.pod.name", "pod-" + std::to_string(pod));
      server_.AddSandbox(sandbox);
    }
    cri::ContainerStatusResponse container = container_;
    const std::string id = HexId('c', n);
    container.mutable_status()->set_id(id);
    container.mutable_status()->mutable_metadata()->set_name("ctr-" + std::to_string(n));
    auto* labels = container.mutable_status()->mutable_labels();
    libcontainer::engine_testing::SetEntry(labels, "io.kubernetes.pod.name", "pod-" + std::to_string(pod));
    libcontainer::engine_testing::SetEntry(labels, "io.kubernetes.container.name",
                                           "ctr-" + std::to_string(n));
    server_.AddContainer(container, pod_id);
    return id;
  }

  std::string Inject(int n) {
    const std::string id = Add(n);
    cri::ContainerEventResponse event;
    event.set_container_id(id);
    event.set_container_event_type(cri::CONTAINER_CREATED_EVENT);
    server_.PushEvent(event);
    return id;
  }

 private:
  libcontainer::testing::FakeCriServer& server_;
  cri::ContainerStatusResponse container_;
  cri::PodSandboxStatusResponse pod_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: scale-fake-engines DIR DOCKER_CONTAINERS CRI_CONTAINERS [HOLD_AT]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int docker_count = std::atoi(argv[2]);
  const int cri_count = std::atoi(argv[3]);
  const int hold_at = argc == 5 ? std::atoi(argv[4]) : 0;
  const std::string samples = LIBCONTAINER_SAMPLES_DIR;
  const std::string docker_sample = ReadFile(samples + "/docker-inspect.json");
  if (!json::accept(docker_sample)) {
    std::fprintf(stderr, "scale-fake-engines: cannot read the docker sample\n");
    return 1;
  }

  ScaleDocker docker(docker_sample, docker_count, hold_at);
  libcontainer::testing::FakeCriServer cri_server(dir + "/cri.sock");
  ScaleCri cri(cri_server, ReadFile(samples + "/containerd-cri-container-status-verbose.json"),
               ReadFile(samples + "/containerd-cri-pod-status-verbose.json"));
  if (!cri.ok()) {
    std::fprintf(stderr, "scale-fake-engines: cannot read the CRI samples\n");
    return 1;
  }
  for (int n = 0; n < cri_count; ++n) cri.Add(n);
  Listener docker_server(dir + "/docker.sock", [&](Connection& conn) { docker.Serve(conn); });
  if (!docker_server.ok()) {
    std::perror("scale-fake-engines: docker socket");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);

  int injected = 0;
  for (std::string command; std::getline(std::cin, command);) {
    if (command == "inject") {
      const std::string docker_id = docker.Inject(docker_count + injected);
      const std::string cri_id = cri.Inject(cri_count + injected);
      ++injected;
      std::printf("injected %s %s\n", docker_id.c_str(), cri_id.c_str());
      std::fflush(stdout);
    } else if (command == "release") {
      docker.Release();
    }
  }
  docker.Stop();  // no handler stays blocked on the way out
  return 0;
}
