// Real Falco replays each capture of tests/data/captures with our plugin and
// a rules file of ours: the alerts carry the container metadata recorded in
// the capture, and Falco appends the plugin's suggested output fields.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "falco/falco_runner.h"
#include "host/scap_reader.h"

namespace {

using nlohmann::json;

#define LIBCONTAINER_IN_CONTAINER "libcontainer replay - process activity in a container"
#define LIBCONTAINER_CONTAINER_RECORD "libcontainer replay - container record"
#define LIBCONTAINER_PROCESS_LIST "libcontainer replay - containerised process at capture start"
#define LIBCONTAINER_HOST_EXEC "libcontainer replay - exec on the host"
constexpr const char* kInContainer = LIBCONTAINER_IN_CONTAINER;
constexpr const char* kContainerRecord = LIBCONTAINER_CONTAINER_RECORD;
constexpr const char* kProcessList = LIBCONTAINER_PROCESS_LIST;
constexpr const char* kHostExec = LIBCONTAINER_HOST_EXEC;

// The same fields in every rule; output_fields then holds them all.
#define LIBCONTAINER_REPLAY_FIELDS                                                                         \
  "id=%container.id name=%container.name image=%container.image repo=%container.image.repository "         \
  "tag=%container.image.tag type=%container.type privileged=%container.privileged ip=%container.ip "       \
  "proc_mounts=%container.mount.dest[/proc*] ns=%k8s.ns.name pod=%k8s.pod.name start=%container.start_ts " \
  "maintainer=%container.label[maintainer] labels=%container.labels tid=%thread.tid"

#define LIBCONTAINER_REPLAY_RULE(name, condition, priority) \
  "- rule: " name                                           \
  "\n"                                                      \
  "  desc: test rule\n"                                     \
  "  condition: " condition                                 \
  "\n"                                                      \
  "  output: " name " (" LIBCONTAINER_REPLAY_FIELDS         \
  ")\n"                                                     \
  "  priority: " priority "\n"

constexpr const char* kRules =
    LIBCONTAINER_REPLAY_RULE(LIBCONTAINER_IN_CONTAINER,
                             "evt.type in (execve, execveat, open, openat, openat2, clone, clone3, fork, "
                             "vfork) and container.id != host",
                             "WARNING")
        LIBCONTAINER_REPLAY_RULE(LIBCONTAINER_CONTAINER_RECORD, "evt.type = container", "NOTICE")
            LIBCONTAINER_REPLAY_RULE(LIBCONTAINER_PROCESS_LIST,
                                     "evt.type = procinfo and container.id != host", "NOTICE")
                LIBCONTAINER_REPLAY_RULE(LIBCONTAINER_HOST_EXEC,
                                         "evt.type in (execve, execveat) and container.id = host", "INFO");

// What a capture's own container record says (its `container` JSON), as the
// fields show it; repository and tag come from the image when the record
// has none.
struct ContainerFacts {
  std::string id, name, image, repo, tag, type, privileged, ip;
  std::string labels;  // `k:v, ...` as container.labels shows them
};

constexpr std::string_view kNginxMaintainer = "NGINX Docker Maintainers <docker-maint@nginx.com>";

// docker container 697956520d89 of the three psp captures (the full record,
// after an "incomplete" placeholder in run_as_user_0_container).
const ContainerFacts kHopefulTaussig{
    "697956520d89", "hopeful_taussig", "nginx",
    "nginx",        "latest",          "docker",
    "false",        "172.17.0.2",      "maintainer:" + std::string(kNginxMaintainer)};
// The privileged capture's record, event #1405 of the stream.
const ContainerFacts kEpicCray{"9dbcbd0c435f", "epic_cray",  "nginx:latest",
                               "nginx",        "latest",     "docker",
                               "true",         "172.17.0.2", "maintainer:" + std::string(kNginxMaintainer)};
// The 2016 capture's records give id, name and image only.
const ContainerFacts kMitmNginx{"ad8301db070e", "mitm_nginx", "nginx:latest", "nginx",
                                "latest",       "docker",     "false",        ""};
const ContainerFacts kBotnetMaster{
    "c644607f2c4e", "attacker_botnet_master", "alpine:latest", "alpine", "latest", "docker", "false", ""};
// Host processes.
const ContainerFacts kHost{"host", "host", "", "", "", "host", "false", ""};

struct ReplayCase {
  std::string capture;
  std::string rule;                        // the rule whose alerts are checked
  std::vector<ContainerFacts> containers;  // each must appear in them, and only these
};

void PrintTo(const ReplayCase& c, std::ostream* os) {
  *os << c.capture;
}

std::string Field(const json& alert, const std::string& name) {
  const auto& fields = alert.at("output_fields");
  auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return "<NA>";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string CapturePath(const std::string& name) {
  return std::string(LIBCONTAINER_CAPTURES_DIR) + "/" + name;
}

class FalcoReplay : public testfalco::WithFalco<::testing::TestWithParam<ReplayCase>> {};

TEST_P(FalcoReplay, AlertsCarryTheCapturedContainerMetadata) {
  const ReplayCase& expected = GetParam();
  testfalco::FalcoWorkdir workdir;
  testfalco::FalcoSettings settings;
  settings.rules_files = {workdir.Write("replay_rules.yaml", kRules)};
  const auto run =
      testfalco::ReplayCapture(falco(), workdir.WriteConfig(settings), CapturePath(expected.capture));
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();

  std::vector<json> checked;
  for (const auto& alert : run.alerts) {
    if (alert.value("rule", "") == expected.rule) checked.push_back(alert);
  }
  ASSERT_FALSE(checked.empty()) << "no alert of '" << expected.rule << "'\n" << run.Describe();
  std::cout << "[ ALERT    ] " << checked.front().at("output").get<std::string>() << "\n";

  // Thread start facts of the capture, read by our own reader.
  testhost::ScapCapture capture;
  std::string error;
  ASSERT_TRUE(testhost::ReadScapFile(CapturePath(expected.capture), &capture, &error)) << error;
  std::map<int64_t, uint64_t> pidns_start;
  for (const auto& thread : capture.threads) pidns_start[thread.tid] = thread.pidns_init_start_ts;

  std::map<std::string, const ContainerFacts*> expected_by_id;
  for (const auto& c : expected.containers) expected_by_id[c.id] = &c;
  std::set<std::string> seen;
  for (const auto& alert : checked) {
    SCOPED_TRACE(alert.dump());
    const auto found = expected_by_id.find(Field(alert, "container.id"));
    ASSERT_NE(found, expected_by_id.end());
    const ContainerFacts& c = *found->second;
    seen.insert(c.id);
    EXPECT_EQ(Field(alert, "container.name"), c.name);
    EXPECT_EQ(Field(alert, "container.image"), c.image);
    EXPECT_EQ(Field(alert, "container.image.repository"), c.repo);
    EXPECT_EQ(Field(alert, "container.image.tag"), c.tag);
    EXPECT_EQ(Field(alert, "container.type"), c.type);
    EXPECT_EQ(Field(alert, "container.privileged"), c.privileged);
    EXPECT_EQ(Field(alert, "container.ip"), c.ip);
    // No capture records a mount: a glob key matches nothing.
    EXPECT_EQ(Field(alert, "container.mount.dest[/proc*]"), "<NA>");
    EXPECT_EQ(Field(alert, "k8s.ns.name"), "<NA>");
    EXPECT_EQ(Field(alert, "k8s.pod.name"), "<NA>");
    // A label by key, and all of them, as Falco reads them from the plugin.
    EXPECT_EQ(Field(alert, "container.label[maintainer]"),
              c.labels.empty() ? "<NA>" : std::string(kNginxMaintainer));
    EXPECT_EQ(Field(alert, "container.labels"), c.labels);

    // Falco appends the six suggested fields to every alert's text.
    const std::string suffix = " container_id=" + c.id + " container_name=" + c.name +
                               " container_image_repository=" + c.repo + " container_image_tag=" + c.tag +
                               " k8s_pod_name=<NA> k8s_ns_name=<NA>";
    const std::string output = alert.at("output").get<std::string>();
    ASSERT_GE(output.size(), suffix.size());
    EXPECT_EQ(output.substr(output.size() - suffix.size()), suffix);

    // container.start_ts is when the thread's pid namespace started, as the
    // capture's process list has it (these old captures predate the field).
    const std::string tid = Field(alert, "thread.tid");
    if (tid == "<NA>" || tid == "-1") continue;  // container records have no thread
    const uint64_t start = pidns_start[std::stoll(tid)];
    EXPECT_EQ(Field(alert, "container.start_ts"), start == 0 ? "<NA>" : std::to_string(start));
  }
  EXPECT_EQ(seen.size(), expected.containers.size());
}

INSTANTIATE_TEST_SUITE_P(
    Captures, FalcoReplay,
    ::testing::Values(ReplayCase{"falco_psp_run_as_user_0_container.scap", kInContainer, {kHopefulTaussig}},
                      ReplayCase{
                          "falco_psp_run_as_user_65534_container.scap", kInContainer, {kHopefulTaussig}},
                      ReplayCase{"falco_psp_write_tmp_test.scap", kInContainer, {kHopefulTaussig}},
                      ReplayCase{"falco_psp_privileged.scap", kContainerRecord, {kEpicCray}},
                      ReplayCase{"falco_empty_2016.scap", kProcessList, {kMitmNginx, kBotnetMaster}},
                      ReplayCase{"libs_curl_google.scap", kHostExec, {kHost}}),
    [](const auto& info) {
      std::string name = info.param.capture.substr(0, info.param.capture.find('.'));
      for (char& ch : name) {
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
