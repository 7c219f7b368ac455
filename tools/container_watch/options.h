// The command line of container-watch: what to show, how, and from which
// engines. Parsing is pure (no exit, no printing) so main decides the exit
// code and tests can reason about one place.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace container_watch {

enum class Mode { kWatch, kProc, kFields, kSchema, kHelp };

// Where output goes: a person reads a table, a script reads JSON lines.
enum class Format { kAuto, kTable, kJson };

struct Options {
  Mode mode = Mode::kWatch;
  Format format = Format::kAuto;
  bool once = false;
  // How long --once and --proc wait for the engines' initial listings, and
  // how long follow mode waits before saying which engines are unreachable.
  double timeout_seconds = 5.0;
  // The plugin's init config text ("" = every default); already read when
  // given as @FILE.
  std::string config_text;
};

// Exit codes, documented in the README: scripts branch on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // an unexpected internal error
inline constexpr int kExitUsage = 2;    // bad arguments or config
inline constexpr int kExitNothingReachable = 3;

// nullopt and *error set (one line, naming the argument) on bad usage.
std::optional<Options> ParseArgs(const std::vector<std::string>& args, std::string* error);

const char* UsageText();

}  // namespace container_watch
