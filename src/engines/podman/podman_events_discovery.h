// Where a podman service writes its events log, from what podman itself says.
//
// Podman 4.3's GET /libpod/info reports the events logger (host.eventLogger)
// and whether the service is rootless, but not the log's path: that is
// containers.conf's [engine] events_logfile_path, else <tmp dir>/events/
// events.log, where the tmp dir is the service's --tmpdir flag, else [engine]
// tmp_dir, else podman's default (/run/libpod; $XDG_RUNTIME_DIR/libpod/tmp
// rootless). Pure functions: the facts are gathered elsewhere
// (podman_service_facts.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libcontainer {

// What GET /libpod/info says; nullopt for a body that is not a JSON object.
struct PodmanInfoFacts {
  std::string event_logger;  // "file", "journald", "none"; "" if not reported
  bool rootless = false;
};
std::optional<PodmanInfoFacts> ParsePodmanInfo(std::string_view body);

// The [engine] keys of one containers.conf that move or silence the log. A
// TOML subset: tables, `key = "basic"` or `'literal'` strings, comments; any
// other line is skipped.
struct ContainersConfEngine {
  std::string file;  // where it was read, for the log line
  std::optional<std::string> events_logger, events_logfile_path, tmp_dir;
};
ContainersConfEngine ParseContainersConfEngine(std::string_view text, std::string file);

// Global flags of the service's command line that podman applies over
// containers.conf.
struct PodmanServiceFlags {
  std::optional<std::string> tmpdir, events_backend;
};
PodmanServiceFlags ParsePodmanServiceFlags(const std::vector<std::string>& argv);

struct PodmanEventsLogInputs {
  std::optional<PodmanInfoFacts> info;
  PodmanServiceFlags flags;
  std::vector<ContainersConfEngine> confs;  // in podman's load order: a later file wins
  std::string default_tmp_dir;              // podman's own default for this service
};

struct PodmanEventsLogChoice {
  std::string logger;  // as above; "" when nothing said (podman then writes the file here)
  std::string path;    // "" when the logger writes no file
  std::string source;  // why this path, for the log line
};

// Logger: the info (what the service runs with), else --events-backend, else
// the last containers.conf that sets events_logger. Path: the last
// events_logfile_path, else <tmp dir>/events/events.log with the tmp dir from
// --tmpdir, the last tmp_dir, or the default, in that order.
PodmanEventsLogChoice ChoosePodmanEventsLog(const PodmanEventsLogInputs& in);

}  // namespace libcontainer
