// The tool's modes over the engines: watching (follow or --once) and the
// /proc view. Each returns the process exit code.
#pragma once

#include "core/plugin_config.h"
#include "options.h"

namespace container_watch {

// How stdout is written: JSON lines, a table printed as a whole, or a table
// redrawn in place on a terminal.
enum class Output { kJsonLines, kTable, kLiveTable };

int RunWatch(const Options& options, const libcontainer::PluginConfig& config, Output output);
int RunProc(const Options& options, const libcontainer::PluginConfig& config, Output output);

// SIGINT/SIGTERM end follow mode cleanly (engines stopped, summary said).
void InstallStopHandlers();

}  // namespace container_watch
