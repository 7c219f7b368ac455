#include "options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace container_watch {
namespace {

// The reason a file cannot be read, as the OS says it (errno right after open).
bool ReadWholeFile(const std::string& path, std::string* text, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // An ifstream opens a directory and reads it as empty: the default config.
    *error = std::strerror(EISDIR);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = std::strerror(errno);
    return false;
  }
  *text = buffer.str();
  return true;
}

bool ParseSeconds(const std::string& text, double* out) {
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(parsed > 0)) return false;
  *out = parsed;
  return true;
}

}  // namespace

std::optional<Options> ParseArgs(const std::vector<std::string>& args, std::string* error) {
  Options options;
  std::vector<std::string> modes;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        *error = arg + " needs a value";
        return false;
      }
      *out = args[++i];
      return true;
    };
    auto mode = [&](Mode m) {
      modes.push_back(arg);
      options.mode = m;
    };
    if (arg == "--once") {
      options.once = true;
    } else if (arg == "--json") {
      options.format = Format::kJson;
    } else if (arg == "--table") {
      options.format = Format::kTable;
    } else if (arg == "--proc") {
      mode(Mode::kProc);
    } else if (arg == "--fields") {
      mode(Mode::kFields);
    } else if (arg == "--schema") {
      mode(Mode::kSchema);
    } else if (arg == "--help" || arg == "-h") {
      mode(Mode::kHelp);
    } else if (arg == "--timeout") {
      std::string text;
      if (!value(&text)) return std::nullopt;
      if (!ParseSeconds(text, &options.timeout_seconds)) {
        *error = "--timeout needs a positive number of seconds, got '" + text + "'";
        return std::nullopt;
      }
    } else if (arg == "--config") {
      std::string text;
      if (!value(&text)) return std::nullopt;
      if (text.starts_with("@")) {
        std::string reason;
        if (!ReadWholeFile(text.substr(1), &options.config_text, &reason)) {
          *error = "--config " + text + ": cannot read " + text.substr(1) + ": " + reason;
          return std::nullopt;
        }
      } else {
        options.config_text = text;
      }
    } else {
      *error = "unknown argument '" + arg + "'";
      return std::nullopt;
    }
  }
  if (modes.size() > 1) {
    *error = modes[0] + " and " + modes[1] + " cannot be combined";
    return std::nullopt;
  }
  return options;
}

const char* UsageText() {
  return "usage: container-watch [--once] [--json|--table] [--timeout SECONDS] [--config JSON|@FILE]\n"
         "       container-watch --proc [--json|--table] [--timeout SECONDS] [--config JSON|@FILE]\n"
         "       container-watch --fields | --schema\n"
         "Shows the containers the plugin's engine watchers see, without Falco.\n"
         "  (default)    follow the engines until interrupted: a table on a terminal,\n"
         "               JSON lines (one per added/updated/removed container) otherwise\n"
         "  --once       list the containers that exist now and exit\n"
         "  --json       JSON lines even on a terminal\n"
         "  --table      the table even when stdout is not a terminal\n"
         "  --timeout    how long to wait for the engines' listings (default 5)\n"
         "  --config     the plugin's init config (same schema as in Falco; default: every\n"
         "               engine on its default sockets, prefixed with $HOST_ROOT)\n"
         "  --proc       this machine's processes grouped by container (from $HOST_ROOT/proc\n"
         "               cgroups), named by the engines that answer\n"
         "  --fields     the plugin's fields table\n"
         "  --schema     the plugin's init config JSON schema\n"
         "exit: 0 ok, 1 internal error, 2 bad arguments or config, 3 --once reached no engine\n";
}

}  // namespace container_watch
