#include "table.h"

#include <algorithm>

namespace container_watch {
namespace {

// Image references with digests run to 100+ characters; the JSON output has
// them whole, the table keeps rows on one line.
constexpr size_t kMaxCell = 40;

// What a cell shows: "-" for nothing known, so columns never look shifted.
std::string Shown(const std::string& cell) {
  if (cell.empty()) return "-";
  if (cell.size() <= kMaxCell) return cell;
  return cell.substr(0, kMaxCell - 3) + "...";
}

std::string Label(const libcontainer::ContainerInfo& info, const std::string& key) {
  auto it = info.labels.find(key);
  return std::string(it == info.labels.end() ? "" : it->second);
}

}  // namespace

std::string RenderTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Shown(row[i]).size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string cell = Shown(row[i]);
      line += cell;
      if (i + 1 < row.size()) line += std::string(widths[i] - cell.size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string PodOf(const libcontainer::ContainerInfo& info) {
  const std::string pod = Label(info, "io.kubernetes.pod.name");
  if (pod.empty()) return "";
  const std::string ns = Label(info, "io.kubernetes.pod.namespace");
  return ns.empty() ? pod : ns + "/" + pod;
}

std::vector<std::string> ContainerHeader() {
  return {"ENGINE", "ID", "NAME", "IMAGE", "POD", "STATE"};
}

std::vector<std::string> ContainerCells(const libcontainer::ContainerInfo& info, const std::string& state) {
  return {std::string(libcontainer::ContainerTypeName(info.type)),
          info.id,
          info.name,
          info.image,
          PodOf(info),
          state};
}

}  // namespace container_watch
