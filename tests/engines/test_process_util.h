// Process, file and cgroup helpers shared by the real-engine fixtures.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace testengines {

double MsSince(std::chrono::steady_clock::time_point t0);
std::string ReadFile(const std::string& path);
bool WriteFile(const std::string& path, const std::string& data);
std::string Trim(std::string s);
// Non-empty lines, trimmed.
std::vector<std::string> Lines(const std::string& s);
// mkdir -p.
bool MakeDirs(const std::string& path);
// /proc/<pid>/cmdline with spaces between the arguments.
std::string Cmdline(pid_t pid);
// Reaps a child: its wait status, or -1 if it did not exit within the timeout.
int WaitChild(pid_t pid, int timeout_ms);
// True once a (not necessarily child) process is gone or a zombie.
bool WaitGone(pid_t pid, int timeout_ms);
// Every mounted cgroup hierarchy (v1 controllers, or the v2 root).
std::vector<std::string> CgroupHierarchies();
// Removes a cgroup directory and its children, killing what is left inside.
void RemoveCgroupTree(const std::string& path);

}  // namespace testengines
