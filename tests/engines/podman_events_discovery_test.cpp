// Where a podman service's events log is: the info, containers.conf and
// command-line parsers and their precedence (no I/O), plus the fact gathering
// against a listener that is not podman (this test).
#include "engines/podman/podman_events_discovery.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engines/podman/podman_service_facts.h"
#include "engines/sample_files.h"

namespace libcontainer {
namespace {

using engine_testing::ReadSample;

TEST(PodmanEventsDiscovery, InfoOfPodman43) {
  // Recorded from podman 4.3.1 (root, events_logger = "file", private --root/--runroot/--tmpdir): the
  // logger and rootless are there, the tmp dir and the log path are not.
  const auto facts = ParsePodmanInfo(ReadSample("podman-libpod-info.json"));
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->event_logger, "file");
  EXPECT_FALSE(facts->rootless);

  const auto rootless =
      ParsePodmanInfo(R"({"host":{"eventLogger":"journald","security":{"rootless":true}}})");
  ASSERT_TRUE(rootless);
  EXPECT_EQ(rootless->event_logger, "journald");
  EXPECT_TRUE(rootless->rootless);
  // Missing or mistyped keys say nothing; a non-object is no info at all.
  EXPECT_EQ(ParsePodmanInfo(R"({"host":{"eventLogger":3,"security":[]}})")->event_logger, "");
  EXPECT_FALSE(ParsePodmanInfo("[]"));
  EXPECT_FALSE(ParsePodmanInfo("not json"));
}

TEST(PodmanEventsDiscovery, ContainersConfEngineTable) {
  const auto conf = ParseContainersConfEngine(R"(# a comment
[containers]
events_logger = "journald"   # not the engine table
default_ulimits = [
  "nofile=1024:1024",
  "events_logger = 'x'",
]
[engine]
events_logger = "file" # trailing comment
events_logfile_path = '/var/log/podman\events.log'
tmp_dir = "/run/my\"tmp"
[engine.runtimes]
tmp_dir = "/not/the/engine"
[[engine.something]]
events_logfile_path = "/not/either"
)",
                                              "/etc/containers/containers.conf");
  EXPECT_EQ(conf.file, "/etc/containers/containers.conf");
  EXPECT_EQ(conf.events_logger, "file");
  EXPECT_EQ(conf.events_logfile_path, R"(/var/log/podman\events.log)");  // literal: no escapes
  EXPECT_EQ(conf.tmp_dir, "/run/my\"tmp");

  const auto none = ParseContainersConfEngine(R"([ engine ]
events_logger="none"
notes = """
tmp_dir = "/inside/a/multiline/string"
"""
tmp_dir = 42
)",
                                              "x");
  EXPECT_EQ(none.events_logger, "none");
  EXPECT_FALSE(none.tmp_dir);
  EXPECT_FALSE(none.events_logfile_path);
}

TEST(PodmanEventsDiscovery, ServiceFlags) {
  const auto flags = ParsePodmanServiceFlags({"/usr/bin/podman", "--root", "/r", "--tmpdir", "/t/tmp",
                                              "--events-backend=file", "system", "service", "unix:///s"});
  EXPECT_EQ(flags.tmpdir, "/t/tmp");
  EXPECT_EQ(flags.events_backend, "file");
  EXPECT_EQ(ParsePodmanServiceFlags({"podman", "--tmpdir=/x"}).tmpdir, "/x");
  EXPECT_FALSE(ParsePodmanServiceFlags({"podman", "--tmpdir"}).tmpdir);  // no value
  EXPECT_FALSE(ParsePodmanServiceFlags({"podman", "run", "--", "--tmpdir", "/in-the-container"}).tmpdir);
  EXPECT_FALSE(ParsePodmanServiceFlags({"--tmpdir", "/argv0-is-not-a-flag"}).tmpdir);
}

ContainersConfEngine Conf(std::string file, std::optional<std::string> logger,
                          std::optional<std::string> path, std::optional<std::string> tmp) {
  ContainersConfEngine conf;
  conf.file = std::move(file);
  conf.events_logger = std::move(logger);
  conf.events_logfile_path = std::move(path);
  conf.tmp_dir = std::move(tmp);
  return conf;
}

TEST(PodmanEventsDiscovery, PathPrecedence) {
  PodmanEventsLogInputs in;
  in.info = PodmanInfoFacts{"file", false};
  in.default_tmp_dir = "/run/libpod";
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/run/libpod/events/events.log");
  EXPECT_EQ(ChoosePodmanEventsLog(in).source, "podman's default tmp dir");

  in.confs = {Conf("/usr/share/a.conf", std::nullopt, std::nullopt, "/conf/tmp/")};
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/conf/tmp/events/events.log");
  EXPECT_EQ(ChoosePodmanEventsLog(in).source, "tmp_dir in /usr/share/a.conf");

  in.flags.tmpdir = "/flag/tmp";  // the command line beats containers.conf's tmp_dir
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/flag/tmp/events/events.log");
  EXPECT_EQ(ChoosePodmanEventsLog(in).source, "the service's --tmpdir");

  // An explicit log path beats any tmp dir; a later file beats an earlier one, but an empty value
  // sets nothing.
  in.confs.push_back(Conf("/etc/b.conf", std::nullopt, "/b/events.log", std::nullopt));
  in.confs.push_back(Conf("/etc/c.conf", std::nullopt, "/c/events.log", std::nullopt));
  in.confs.push_back(Conf("/etc/d.conf", std::nullopt, "", std::nullopt));
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/c/events.log");
  EXPECT_EQ(ChoosePodmanEventsLog(in).source, "events_logfile_path in /etc/c.conf");
  EXPECT_EQ(ChoosePodmanEventsLog(in).logger, "file");
}

TEST(PodmanEventsDiscovery, LoggerPrecedence) {
  PodmanEventsLogInputs in;
  in.default_tmp_dir = "/run/libpod";
  in.confs = {Conf("/etc/a.conf", "journald", std::nullopt, std::nullopt)};
  // containers.conf alone: journald, no file.
  EXPECT_EQ(ChoosePodmanEventsLog(in).logger, "journald");
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "");
  // --events-backend beats it...
  in.flags.events_backend = "file";
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/run/libpod/events/events.log");
  // ... and what the service itself reports beats both.
  in.info = PodmanInfoFacts{"none", false};
  EXPECT_EQ(ChoosePodmanEventsLog(in).logger, "none");
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "");
  // Nothing said at all: podman writes the file, at its default place.
  PodmanEventsLogInputs silent;
  silent.default_tmp_dir = "/run/user/1000/libpod/tmp";
  EXPECT_EQ(ChoosePodmanEventsLog(silent).logger, "");
  EXPECT_EQ(ChoosePodmanEventsLog(silent).path, "/run/user/1000/libpod/tmp/events/events.log");
}

// A listening unix socket of this (non-podman) process under a temporary HOST_ROOT.
class ServiceFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/podman-facts-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    socket_ = root_ + "/podman.sock";
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(fd_, 4), 0);
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    std::filesystem::remove_all(root_);
  }
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(root_ + path).parent_path());
    std::ofstream(root_ + path) << text;
  }

  std::string root_, socket_;
  int fd_ = -1;
};

TEST_F(ServiceFactsTest, SystemFilesInPodmanOrderWhenTheListenerIsNotPodman) {
  Write("/usr/share/containers/containers.conf", "[engine]\ntmp_dir = \"/share\"\n");
  Write("/etc/containers/containers.conf", "[engine]\ntmp_dir = \"/etc\"\n");
  Write("/etc/containers/containers.conf.d/20-b.conf", "[engine]\nevents_logfile_path = \"/b.log\"\n");
  Write("/etc/containers/containers.conf.d/10-a.conf", "[engine]\nevents_logfile_path = \"/a.log\"\n");
  Write("/etc/containers/containers.conf.d/ignored.txt", "[engine]\nevents_logfile_path = \"/x.log\"\n");
  std::string note;
  const PodmanEventsLogInputs in =
      GatherPodmanEventsLogInputs(socket_, R"({"host":{"eventLogger":"file"}})", root_, &note);
  EXPECT_NE(note.find("is not a podman process"), std::string::npos) << note;
  ASSERT_EQ(in.confs.size(), 4u);
  EXPECT_EQ(in.confs[0].file, "/usr/share/containers/containers.conf");
  EXPECT_EQ(in.confs[1].file, "/etc/containers/containers.conf");
  EXPECT_EQ(in.confs[2].file, "/etc/containers/containers.conf.d/10-a.conf");
  EXPECT_EQ(in.confs[3].file, "/etc/containers/containers.conf.d/20-b.conf");
  EXPECT_FALSE(in.flags.tmpdir);  // this process's flags are not podman's
  EXPECT_EQ(in.default_tmp_dir, "/run/libpod");
  EXPECT_EQ(ChoosePodmanEventsLog(in).path, "/b.log");

  // Rootless by the info: the runtime dir of the listener's uid.
  const PodmanEventsLogInputs rootless =
      GatherPodmanEventsLogInputs(socket_, R"({"host":{"security":{"rootless":true}}})", root_, &note);
  EXPECT_EQ(rootless.default_tmp_dir, "/run/user/" + std::to_string(getuid()) + "/libpod/tmp");

  // No info and no listener: the system files still count.
  const PodmanEventsLogInputs gone = GatherPodmanEventsLogInputs(root_ + "/missing.sock", "", root_, &note);
  EXPECT_FALSE(gone.info);
  EXPECT_EQ(gone.confs.size(), 4u);
  EXPECT_NE(note.find("peer credentials"), std::string::npos) << note;
}

}  // namespace
}  // namespace libcontainer
