// --proc: this machine's processes grouped by container, named by the
// engines that answer within the timeout.
#include <filesystem>

#include "console_logger.h"
#include "engine_set.h"
#include "engines/engine_factory.h"
#include "proc_scan.h"
#include "proc_view.h"
#include "run_modes.h"

namespace container_watch {

int RunProc(const Options& options, const libcontainer::PluginConfig& config, Output output) {
  const std::string proc_dir = libcontainer::WithHostRoot(libcontainer::HostRootFromEnvironment(), "/proc");
  std::error_code ec;
  if (!std::filesystem::is_directory(proc_dir, ec)) {
    Say("cannot read " + proc_dir + ": " + (ec ? ec.message() : "not a directory"));
    return kExitFailure;
  }
  ConsoleLogger logger(config.log_level);
  EngineSet engines(config, logger);
  TrackingSink sink([](const Change&) {});
  engines.Start(sink);
  engines.WaitForListings(options.timeout_seconds);
  const auto statuses = engines.StatusLines();
  const KnownContainers known = sink.Containers();
  engines.Stop();

  const libcontainer::CgroupMatcher matcher({config.lxc, config.libvirt_lxc, config.bpm});
  const auto groups = ScanProcesses(proc_dir, matcher);
  if (output == Output::kJsonLines) {
    for (const auto& line : ProcGroupsJsonLines(groups, known)) WriteOut(line + "\n");
  } else {
    WriteOut(ProcGroupsText(groups, known));
  }
  for (const auto& line : statuses) Say(line);
  size_t processes = 0;
  for (const auto& group : groups) processes += group.processes.size();
  Say(std::to_string(processes) + " processes, " + std::to_string(groups.size() - 1) + " containers");
  return kExitOk;
}

}  // namespace container_watch
