// Watching: start the engines, wait for their listings, then either report
// and exit (--once) or follow changes until interrupted.
#include <csignal>
#include <thread>

#include "console_logger.h"
#include "container_json_line.h"
#include "engine_set.h"
#include "engines/engine_factory.h"
#include "live_table.h"
#include "proc_scan.h"
#include "proc_view.h"
#include "run_modes.h"

namespace container_watch {
namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr auto kTick = std::chrono::milliseconds(100);
// Engine connectivity is looked at every this many ticks.
constexpr int kStatusTicks = 5;

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Without an engine a new user still sees what this machine runs, grouped as
// the plugin would group it.
void ShowCgroupFallback(const libcontainer::PluginConfig& config, Output output) {
  const libcontainer::CgroupMatcher matcher({config.lxc, config.libvirt_lxc, config.bpm});
  const auto groups =
      ScanProcesses(libcontainer::WithHostRoot(libcontainer::HostRootFromEnvironment(), "/proc"), matcher);
  if (output == Output::kJsonLines) {
    size_t in_containers = 0, processes = 0;
    for (const auto& group : groups) {
      processes += group.processes.size();
      in_containers += group.id.empty() ? 0 : group.processes.size();
    }
    Say("no engine reachable; this machine's cgroups show " +
        Plural(groups.size() - 1, "container", "containers") + " (" + std::to_string(in_containers) + " of " +
        Plural(processes, "process", "processes") + " in containers; --proc lists them)");
    return;
  }
  WriteOut("\nNo engine reachable. This machine's processes by container, from their cgroups:\n" +
           ProcGroupsText(groups, {}));
}

std::string Screen(const TrackingSink& sink, const LiveTable& live, const EngineSet& engines,
                   const ConsoleLogger& logger) {
  std::string screen = "container-watch: following the engines (Ctrl-C to stop)\n\n";
  screen += ContainerTable(sink.Containers(), live.Removed()) + "\n";
  for (const auto& line : engines.StatusLines()) screen += line + "\n";
  const auto kept = logger.Kept();
  if (!kept.empty()) screen += "\n";
  for (const auto& line : kept) screen += line + "\n";
  return screen;
}

int ReportOnce(const TrackingSink& sink, EngineSet& engines, const libcontainer::PluginConfig& config,
               Output output) {
  // Read before Stop(), which disconnects every socket.
  const auto statuses = engines.StatusLines();
  const bool reachable = engines.AnyConnected();
  const auto containers = sink.Containers();
  engines.Stop();
  if (output == Output::kJsonLines) {
    // A listing, not a history: one line per container, as it is now.
    for (const auto& [id, info] : containers) WriteOut(ChangeJsonLine({ChangeKind::kAdded, info}) + "\n");
  } else {
    WriteOut(ContainerTable(containers));
  }
  for (const auto& line : statuses) Say(line);
  Say(Plural(containers.size(), "container", "containers") + " listed");
  if (reachable) return kExitOk;
  ShowCgroupFallback(config, output);
  return kExitNothingReachable;
}

int Follow(const TrackingSink& sink, LiveTable& live, EngineSet& engines, ConsoleLogger& logger,
           Output output) {
  if (output == Output::kLiveTable) {
    logger.KeepForFooter();
  } else {
    for (const auto& line : engines.StatusLines()) Say(line);
  }
  live.MarkDirty();
  std::vector<bool> connected = engines.Connected();
  for (int tick = 1; !g_stop; ++tick) {
    if (tick % kStatusTicks == 0) {
      // Say when an engine comes or goes, not every reason change.
      const std::vector<bool> now = engines.Connected();
      if (now != connected) {
        const auto lines = engines.StatusLines();
        for (size_t i = 0; i < now.size(); ++i) {
          if (now[i] != connected[i] && output != Output::kLiveTable) Say(lines[i]);
        }
        connected = now;
        live.MarkDirty();
      }
    }
    if (output != Output::kJsonLines && live.TakeDirty()) {
      if (output == Output::kLiveTable) {
        // Home and clear: the table replaces itself rather than scrolling.
        WriteOut("\033[H\033[2J" + Screen(sink, live, engines, logger));
      } else {
        WriteOut(ContainerTable(sink.Containers(), live.Removed()) + "\n");
      }
    }
    std::this_thread::sleep_for(kTick);
  }
  // Engines coming and going were said as they did; the count is what is new.
  const size_t known = sink.Containers().size();
  engines.Stop();
  Say(Plural(known, "container", "containers") + " known at exit");
  return kExitOk;
}

}  // namespace

void InstallStopHandlers() {
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
}

int RunWatch(const Options& options, const libcontainer::PluginConfig& config, Output output) {
  ConsoleLogger logger(config.log_level);
  EngineSet engines(config, logger);
  if (engines.empty()) {
    Say("no socket engine enabled in the config (lxc, libvirt_lxc and bpm containers are found from "
        "cgroups: try --proc)");
    return kExitUsage;
  }
  LiveTable live;
  TrackingSink sink([&](const Change& change) {
    if (output == Output::kJsonLines && !options.once) {
      WriteOut(ChangeJsonLine(change) + "\n");
    } else {
      live.OnChange(change);
    }
  });
  engines.Start(sink);
  engines.WaitForListings(options.timeout_seconds);
  if (options.once) return ReportOnce(sink, engines, config, output);
  return Follow(sink, live, engines, logger, output);
}

}  // namespace container_watch
