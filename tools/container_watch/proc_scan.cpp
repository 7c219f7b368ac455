#include "proc_scan.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace container_watch {
namespace {

std::string ReadSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// /proc/<pid>/cmdline is NUL-separated and NUL-terminated.
std::string JoinArgs(std::string raw) {
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

// False when the process is gone or its cgroup file is unreadable: it is
// left out rather than shown as a host process.
bool MatchProcess(const std::filesystem::path& dir, const libcontainer::CgroupMatcher& matcher,
                  ProcessGroup* group) {
  std::ifstream cgroup(dir / "cgroup");
  if (!cgroup) return false;
  std::string line;
  while (std::getline(cgroup, line)) {
    // hierarchy-id:controllers:path; cgroup v1 lists one line per
    // hierarchy, any of them may carry the container's path.
    const size_t first = line.find(':');
    const size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    libcontainer::CgroupMatch match;
    if (matcher.Match(std::string_view(line).substr(second + 1), &match)) {
      group->id = std::string(match.id);
      group->full_id = std::string(match.full_id);
      group->type = match.type;
      group->metadata_from_cgroup = match.metadata_from_cgroup;
      return true;
    }
  }
  return true;
}

}  // namespace

std::vector<ProcessGroup> ScanProcesses(const std::string& proc_dir,
                                        const libcontainer::CgroupMatcher& matcher) {
  std::map<pid_t, std::pair<ProcessGroup, Process>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcessGroup group;
    if (!MatchProcess(entry.path(), matcher, &group)) continue;
    Process process;
    process.pid = static_cast<pid_t>(std::stol(name));
    process.comm = ReadSmallFile(entry.path() / "comm");
    if (!process.comm.empty() && process.comm.back() == '\n') process.comm.pop_back();
    process.cmdline = JoinArgs(ReadSmallFile(entry.path() / "cmdline"));
    const pid_t pid = process.pid;
    found.emplace(pid, std::make_pair(std::move(group), std::move(process)));
  }
  std::map<std::string, ProcessGroup> containers;
  ProcessGroup host;
  for (auto& [pid, entry] : found) {
    auto& [group, process] = entry;
    if (group.id.empty()) {
      host.processes.push_back(std::move(process));
      continue;
    }
    auto [it, inserted] = containers.try_emplace(group.id, group);
    it->second.processes.push_back(std::move(process));
  }
  std::vector<ProcessGroup> out;
  out.reserve(containers.size() + 1);
  for (auto& [id, group] : containers) out.push_back(std::move(group));
  out.push_back(std::move(host));
  return out;
}

}  // namespace container_watch
