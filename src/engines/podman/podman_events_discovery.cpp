#include "engines/podman/podman_events_discovery.h"

#include <cctype>
#include <utility>

#include "engines/common/json_access.h"

namespace libcontainer {
namespace {

using json_access::Trim;

bool IsBareKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

// A one-line TOML string at the start of `text` ("basic" with escapes, or
// 'literal'); nullopt for anything else (numbers, arrays, multi-line strings).
std::optional<std::string> ParseTomlString(std::string_view text) {
  if (text.size() < 2 || (text.front() != '"' && text.front() != '\'')) return std::nullopt;
  const char quote = text.front();
  if (text.substr(0, 3) == std::string(3, quote)) return std::nullopt;
  std::string out;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == quote) return out;
    if (c != '\\' || quote == '\'') {
      out += c;
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '"':
      case '\\':
        out += text[i];
        break;
      default:
        return std::nullopt;  // \u and friends: not in a path anyone writes
    }
  }
  return std::nullopt;  // unterminated
}

// Whether `line` opens or closes a multi-line string (an odd count of """ or ''').
bool TogglesMultiline(std::string_view line) {
  size_t count = 0;
  for (std::string_view delimiter : {std::string_view("\"\"\""), std::string_view("'''")}) {
    for (size_t at = line.find(delimiter); at != std::string_view::npos; at = line.find(delimiter, at + 3))
      ++count;
  }
  return count % 2 == 1;
}

std::string EventsLogIn(const std::string& tmp_dir) {
  std::string dir = tmp_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/events/events.log";
}

}  // namespace

std::optional<PodmanInfoFacts> ParsePodmanInfo(std::string_view body) {
  json_access::Json doc;
  if (!json_access::ParseDocument(body, &doc, nullptr) || !doc.is_object()) return std::nullopt;
  PodmanInfoFacts facts;
  if (const json_access::Json* host = json_access::ObjectMember(doc, "host")) {
    facts.event_logger = json_access::String(*host, "eventLogger");
    if (const json_access::Json* rootless = json_access::Path(*host, {"security", "rootless"});
        rootless != nullptr && rootless->is_boolean()) {
      facts.rootless = rootless->get<bool>();
    }
  }
  return facts;
}

ContainersConfEngine ParseContainersConfEngine(std::string_view text, std::string file) {
  ContainersConfEngine conf;
  conf.file = std::move(file);
  bool in_engine = false, in_multiline = false;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (TogglesMultiline(raw)) in_multiline = !in_multiline;
    if (in_multiline) continue;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      // [engine] only: [engine.runtimes] and [[arrays]] are other tables.
      const size_t close = line.find(']');
      in_engine = line.substr(0, 2) != "[[" && close != std::string_view::npos &&
                  Trim(line.substr(1, close - 1)) == "engine";
      continue;
    }
    if (!in_engine) continue;
    size_t key_end = 0;
    while (key_end < line.size() && IsBareKeyChar(line[key_end])) ++key_end;
    const std::string_view key = line.substr(0, key_end);
    const std::string_view rest = Trim(line.substr(key_end));
    if (key.empty() || rest.empty() || rest.front() != '=') continue;
    std::optional<std::string> value = ParseTomlString(Trim(rest.substr(1)));
    if (!value) continue;
    if (key == "events_logger") {
      conf.events_logger = std::move(value);
    } else if (key == "events_logfile_path") {
      conf.events_logfile_path = std::move(value);
    } else if (key == "tmp_dir") {
      conf.tmp_dir = std::move(value);
    }
  }
  return conf;
}

PodmanServiceFlags ParsePodmanServiceFlags(const std::vector<std::string>& argv) {
  PodmanServiceFlags flags;
  auto take = [&](size_t* i, std::string_view name, std::optional<std::string>* out) {
    const std::string_view arg = argv[*i];
    if (arg == name && *i + 1 < argv.size()) {
      *out = argv[++*i];
      return true;
    }
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
      *out = std::string(arg.substr(name.size() + 1));
      return true;
    }
    return false;
  };
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--") break;
    if (!take(&i, "--tmpdir", &flags.tmpdir)) take(&i, "--events-backend", &flags.events_backend);
  }
  return flags;
}

PodmanEventsLogChoice ChoosePodmanEventsLog(const PodmanEventsLogInputs& in) {
  PodmanEventsLogChoice choice;
  const std::string* conf_logger = nullptr;
  const ContainersConfEngine *conf_path = nullptr, *conf_tmp = nullptr;
  for (const ContainersConfEngine& conf : in.confs) {
    if (conf.events_logger) conf_logger = &*conf.events_logger;
    if (conf.events_logfile_path && !conf.events_logfile_path->empty()) conf_path = &conf;
    if (conf.tmp_dir && !conf.tmp_dir->empty()) conf_tmp = &conf;
  }

  if (in.info && !in.info->event_logger.empty()) {
    choice.logger = in.info->event_logger;
  } else if (in.flags.events_backend) {
    choice.logger = *in.flags.events_backend;
  } else if (conf_logger != nullptr) {
    choice.logger = *conf_logger;
  }
  if (!choice.logger.empty() && choice.logger != "file") return choice;

  if (conf_path != nullptr) {
    choice.path = *conf_path->events_logfile_path;
    choice.source = "events_logfile_path in " + conf_path->file;
  } else if (in.flags.tmpdir && !in.flags.tmpdir->empty()) {
    choice.path = EventsLogIn(*in.flags.tmpdir);
    choice.source = "the service's --tmpdir";
  } else if (conf_tmp != nullptr) {
    choice.path = EventsLogIn(*conf_tmp->tmp_dir);
    choice.source = "tmp_dir in " + conf_tmp->file;
  } else if (!in.default_tmp_dir.empty()) {
    choice.path = EventsLogIn(in.default_tmp_dir);
    choice.source = "podman's default tmp dir";
  }
  return choice;
}

}  // namespace libcontainer
