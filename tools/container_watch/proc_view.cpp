#include "proc_view.h"

#include <nlohmann/json.hpp>

#include "container_json_line.h"
#include "table.h"

namespace container_watch {
namespace {

// A command line can be kilobytes (java); the JSON has it whole.
constexpr size_t kMaxCommand = 100;

std::string Command(const Process& process) {
  // Kernel threads have no command line; ps shows them bracketed too.
  std::string command = process.cmdline.empty() ? "[" + process.comm + "]" : process.cmdline;
  if (command.size() > kMaxCommand) command = command.substr(0, kMaxCommand - 3) + "...";
  return command;
}

// The engine's record, else what the cgroup says.
libcontainer::ContainerInfo Describe(const ProcessGroup& group, const KnownContainers& known) {
  auto it = known.find(group.id);
  if (it != known.end()) return it->second;
  libcontainer::ContainerInfo info;
  info.id = group.id;
  info.full_id = group.full_id;
  info.type = group.type;
  return info;
}

std::string Count(size_t n) {
  return std::to_string(n) + (n == 1 ? " process" : " processes");
}

}  // namespace

std::string ProcGroupsText(const std::vector<ProcessGroup>& groups, const KnownContainers& known) {
  std::string out;
  for (const auto& group : groups) {
    if (group.id.empty()) {
      out += "host (in no container): " + Count(group.processes.size()) + "\n";
      continue;
    }
    const libcontainer::ContainerInfo info = Describe(group, known);
    std::string heading = std::string(libcontainer::ContainerTypeName(info.type)) + " " + info.id;
    if (!info.name.empty() && info.name != info.id) heading += " " + info.name;
    if (!info.image.empty()) heading += " (" + info.image + ")";
    if (const std::string pod = PodOf(info); !pod.empty()) heading += " pod " + pod;
    if (!known.contains(group.id) && !group.metadata_from_cgroup) heading += " [no engine record]";
    out += heading + ": " + Count(group.processes.size()) + "\n";
    for (const auto& process : group.processes) {
      std::string pid = std::to_string(process.pid);
      out +=
          "  " + std::string(pid.size() < 7 ? 7 - pid.size() : 0, ' ') + pid + "  " + Command(process) + "\n";
    }
  }
  return out;
}

std::vector<std::string> ProcGroupsJsonLines(const std::vector<ProcessGroup>& groups,
                                             const KnownContainers& known) {
  std::vector<std::string> lines;
  lines.reserve(groups.size());
  for (const auto& group : groups) {
    nlohmann::json line;
    line["container"] = group.id.empty() ? nlohmann::json(nullptr) : ContainerObject(Describe(group, known));
    line["processes"] = nlohmann::json::array();
    for (const auto& process : group.processes) {
      line["processes"].push_back(
          {{"pid", process.pid}, {"comm", process.comm}, {"cmdline", process.cmdline}});
    }
    lines.push_back(line.dump());
  }
  return lines;
}

}  // namespace container_watch
