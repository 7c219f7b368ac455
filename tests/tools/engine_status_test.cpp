// The one-line engine statuses: short for default sockets, every named socket
// with its reason, the socket file's own problem before the watcher's.
#include "container_watch/engine_status.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace container_watch {
namespace {

using Stats = libcontainer::ContainerEngine::Stats;

class EngineStatus : public ::testing::Test {
 protected:
  EngineStatus() {
    char tmpl[] = "/tmp/engine-status-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~EngineStatus() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(EngineStatus, ConnectedIsSaidPlainly) {
  Stats stats;
  stats.connected = true;
  EXPECT_EQ(DescribeEngine({"docker", {"/x.sock"}, false}, stats), "docker: connected");
}

TEST_F(EngineStatus, AMissingSocketIsNamed) {
  const std::string socket = dir_ + "/docker.sock";
  Stats stats;
  stats.last_error = socket + ": cannot connect: No such file or directory";
  EXPECT_EQ(DescribeEngine({"docker", {socket}, false}, stats),
            "docker: not reachable: " + socket + ": no such file");
}

TEST_F(EngineStatus, ARegularFileIsNotASocket) {
  const std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  Stats stats;
  stats.last_error = file + ": cannot connect: Connection refused";
  EXPECT_EQ(DescribeEngine({"docker", {file}, false}, stats),
            "docker: not reachable: " + file + ": not a socket");
  EXPECT_EQ(SocketFileProblem(dir_), "not a socket (a directory)");
}

TEST_F(EngineStatus, TheWatchersReasonIsKeptForALiveSocketAndShortened) {
  const std::string socket = dir_ + "/s.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  socket.copy(addr.sun_path, sizeof addr.sun_path - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(SocketFileProblem(socket), "");
  Stats stats;
  stats.last_error = "/other.sock: gone; " + socket + ": UNAVAILABLE: " + std::string(400, 'x');
  const std::string line = DescribeEngine({"cri", {"/other.sock", socket}, false}, stats);
  EXPECT_NE(line.find(socket + ": UNAVAILABLE: xxx"), std::string::npos) << line;
  EXPECT_LT(line.size(), 300u) << line;
  EXPECT_NE(line.find("/other.sock: no such file"), std::string::npos) << line;
  close(fd);
}

TEST_F(EngineStatus, MissingDefaultSocketsAreOneShortLine) {
  const auto all = ConfiguredSockets(libcontainer::PluginConfig{}, dir_);
  ASSERT_EQ(all.size(), 4u);
  for (const auto& sockets : all) {
    EXPECT_TRUE(sockets.defaults) << sockets.engine;
    const std::string line = DescribeEngine(sockets, Stats{});
    EXPECT_LT(line.size() - dir_.size(), 110u) << line;
    EXPECT_NE(line.find(sockets.sockets[0]), std::string::npos) << line;
    EXPECT_NE(line.find("not reachable"), std::string::npos) << line;
  }
  EXPECT_EQ(DescribeEngine(all[2], Stats{}),
            "containerd: not reachable: no socket at " + dir_ +
                "/run/containerd/containerd.sock nor its 2 other default paths");
}

}  // namespace
}  // namespace container_watch
