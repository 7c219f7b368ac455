// container-watch: the plugin's engine watchers and cgroup matcher outside
// Falco, for people (a table) and scripts (JSON lines). It links the core and
// the engines directly; it never loads libcontainer.so (one copy of the
// protobuf types per process).
#include <unistd.h>

#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "console_logger.h"
#include "core/field_table.h"
#include "core/plugin_config.h"
#include "options.h"
#include "run_modes.h"

namespace container_watch {
namespace {

void PrintFields() {
  for (const auto& field : libcontainer::FieldTable()) {
    std::string name = field.name;
    if (field.arg == libcontainer::FieldArg::kKeyRequired) name += "[key]";
    if (field.arg == libcontainer::FieldArg::kIndexOrKeyRequired) name += "[idx|key]";
    std::string line = name;
    line.resize(std::max<size_t>(line.size() + 1, 36), ' ');
    std::string type(libcontainer::FieldTypeName(field.type));
    type.resize(std::max<size_t>(type.size() + 1, 8), ' ');
    WriteOut(line + type + field.description + (field.deprecated ? " (deprecated, always empty)" : "") +
             "\n");
  }
}

Output ChooseOutput(const Options& options) {
  const bool terminal = isatty(STDOUT_FILENO) == 1;
  switch (options.format) {
    case Format::kJson:
      return Output::kJsonLines;
    case Format::kTable:
      return terminal && !options.once ? Output::kLiveTable : Output::kTable;
    case Format::kAuto:
      break;
  }
  if (!terminal) return Output::kJsonLines;
  return options.once ? Output::kTable : Output::kLiveTable;
}

int Main(int argc, char** argv) {
  std::string error;
  const auto options = ParseArgs({argv + 1, argv + argc}, &error);
  if (!options) {
    Say(error + " (--help for usage)");
    return kExitUsage;
  }
  switch (options->mode) {
    case Mode::kHelp:
      WriteOut(UsageText());
      return kExitOk;
    case Mode::kFields:
      PrintFields();
      return kExitOk;
    case Mode::kSchema:
      WriteOut(nlohmann::json::parse(libcontainer::PluginConfigSchema()).dump(2) + "\n");
      return kExitOk;
    case Mode::kWatch:
    case Mode::kProc:
      break;
  }
  libcontainer::PluginConfig config;
  try {
    config = libcontainer::ParsePluginConfig(options->config_text);
  } catch (const libcontainer::ConfigError& e) {
    Say(std::string("invalid config: ") + e.what());
    return kExitUsage;
  }
  InstallStopHandlers();
  const Output output = ChooseOutput(*options);
  if (options->mode == Mode::kProc) return RunProc(*options, config, output);
  return RunWatch(*options, config, output);
}

}  // namespace
}  // namespace container_watch

int main(int argc, char** argv) {
  try {
    return container_watch::Main(argc, argv);
  } catch (const std::exception& e) {
    // Not expected: every input error is answered above with exit 2.
    container_watch::Say(std::string("internal error: ") + e.what());
    return container_watch::kExitFailure;
  }
}
