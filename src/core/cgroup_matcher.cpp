#include "core/cgroup_matcher.h"

#include <algorithm>
#include <array>

namespace libcontainer {
namespace {

constexpr size_t kRuncIdLength = 64;
// containerd's limit for namespace and container identifiers.
constexpr size_t kMaxContainerdIdentifier = 76;
// A pure-hex leaf this long that is not a runc id is some other hash (a
// truncated id, a session uuid such as `/process_api/<32hex>`), not a name
// somebody gave a ctr container.
constexpr size_t kMinForeignHexLength = 16;

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsAllHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsLowerHex);
}

// Runc-style engines generate 64 lowercase hex chars.
bool IsRuncId(std::string_view s) {
  return s.size() == kRuncIdLength && IsAllHex(s);
}

bool StripPrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool StripSuffix(std::string_view* s, std::string_view suffix) {
  if (!s->ends_with(suffix)) return false;
  s->remove_suffix(suffix.size());
  return true;
}

// containerd's grammar: alnum runs joined by single `.`, `_` or `-`.
bool IsContainerdIdentifier(std::string_view s) {
  if (s.empty() || s.size() > kMaxContainerdIdentifier) return false;
  bool previous_separator = true;  // no leading separator
  for (char c : s) {
    if (IsAlnum(c)) {
      previous_separator = false;
    } else if (c == '.' || c == '_' || c == '-') {
      if (previous_separator) return false;
      previous_separator = true;
    } else {
      return false;
    }
  }
  return !previous_separator;
}

// systemd units (`.slice`, `.service`, ...) are never containers named by a
// ctr rule: they are the host's own cgroups.
bool IsSystemdUnit(std::string_view s) {
  static constexpr std::array<std::string_view, 11> kSuffixes = {
      ".slice", ".scope",  ".service", ".socket", ".mount", ".automount",
      ".swap",  ".target", ".device",  ".path",   ".timer"};
  return std::any_of(kSuffixes.begin(), kSuffixes.end(),
                     [s](std::string_view suffix) { return s.ends_with(suffix); });
}

// Parents that look like a ctr namespace but belong to another layout, where a
// non-runc leaf is a helper or a grouping directory: podman's conmon, the
// kubelet's QoS and pod directories, lxc's monitor/pivot, libvirt machines.
bool IsReservedParent(std::string_view s) {
  return s == "libpod_parent" || s == "kubepods" || s == "docker" || s == "lxc" || s.starts_with("lxc.") ||
         s == "libvirt" || s == "machine";
}

bool IsBpmName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-'; });
}

// Splits `head` into its last non-empty segment (returned) and what precedes
// it (`*rest`). Returns an empty view when no segment is left.
std::string_view LastSegment(std::string_view head, std::string_view* rest) {
  while (!head.empty() && head.back() == '/') head.remove_suffix(1);
  size_t slash = head.rfind('/');
  if (slash == std::string_view::npos) {
    *rest = {};
    return head;
  }
  *rest = head.substr(0, slash);
  return head.substr(slash + 1);
}

struct Segment {
  std::string_view text;
  std::string_view parent;       // empty at the root
  std::string_view grandparent;  // empty at depth one or two
  std::string_view child;        // segment below; empty for the leaf
  bool leaf = false;
  bool depth_two = false;  // `/<parent>/<text>`
};

void SetRunc(std::string_view full_id, ContainerType type, CgroupMatch* out) {
  out->id = ShortId(full_id);
  out->full_id = full_id;
  out->type = type;
  out->metadata_from_cgroup = false;
}

void SetNamed(std::string_view name, ContainerType type, CgroupMatch* out) {
  out->id = name;
  out->full_id = name;
  out->type = type;
  out->metadata_from_cgroup = true;
}

// `<prefix><64hex>` with an optional `.scope`: systemd drivers, cri-o and
// podman's cgroupfs layout.
struct PrefixRule {
  std::string_view prefix;
  ContainerType type;
};
constexpr std::array<PrefixRule, 6> kPrefixRules = {{
    {"libpod-payload-", ContainerType::kPodman},
    {"libpod-", ContainerType::kPodman},
    {"docker-", ContainerType::kDocker},
    {"crio-", ContainerType::kCrio},
    {"cri-containerd-", ContainerType::kContainerd},
    {"nerdctl-", ContainerType::kContainerd},
}};

// The middle token of a systemd-style `slice:prefix:name` cgroupsPath that a
// cgroupfs driver used verbatim.
ContainerType TypeFromColonPrefix(std::string_view prefix) {
  if (prefix == "cri-containerd") return ContainerType::kContainerd;
  if (prefix == "crio") return ContainerType::kCrio;
  if (prefix == "docker") return ContainerType::kDocker;
  if (prefix == "libpod") return ContainerType::kPodman;
  return ContainerType::kUnknown;
}

bool MatchLibvirt(const Segment& seg, CgroupMatch* out) {
  std::string_view s = seg.text;
  if (StripSuffix(&s, ".libvirt-lxc") && !s.empty()) {
    SetNamed(s, ContainerType::kLibvirtLxc, out);
    return true;
  }
  // systemd escapes the machine name `lxc-<pid>-<name>`; the id keeps the
  // escapes, as the reference plugin reports it.
  s = seg.text;
  if (StripPrefix(&s, "machine-lxc\\x2d") && StripSuffix(&s, ".scope") && !s.empty()) {
    SetNamed(s, ContainerType::kLibvirtLxc, out);
    return true;
  }
  return false;
}

bool MatchLxc(const Segment& seg, CgroupMatch* out) {
  if (seg.parent == "lxc" || seg.parent == "lxc.payload") {
    SetNamed(seg.text, ContainerType::kLxc, out);
    return true;
  }
  // `lxc.monitor.<name>` and `lxc.pivot` are lxc's own helpers.
  std::string_view s = seg.text;
  if (StripPrefix(&s, "lxc.payload.") && !s.empty()) {
    SetNamed(s, ContainerType::kLxc, out);
    return true;
  }
  return false;
}

bool MatchPrefixed(const Segment& seg, CgroupMatch* out) {
  std::string_view s = seg.text;
  StripSuffix(&s, ".scope");
  if (s.size() <= kRuncIdLength) return false;
  for (const PrefixRule& rule : kPrefixRules) {
    std::string_view id = s;
    if (StripPrefix(&id, rule.prefix) && IsRuncId(id)) {
      SetRunc(id, rule.type, out);
      return true;
    }
  }
  return false;
}

bool MatchColonForm(const Segment& seg, CgroupMatch* out) {
  size_t colon = seg.text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view id = seg.text.substr(colon + 1);
  if (!IsRuncId(id)) return false;
  std::string_view head = seg.text.substr(0, colon);
  size_t previous = head.rfind(':');
  if (previous == std::string_view::npos) return false;
  SetRunc(id, TypeFromColonPrefix(head.substr(previous + 1)), out);
  return true;
}

// A bare 64-hex directory: cgroupfs docker, containerd CRI under kubepods,
// `--cgroup-parent`, ctr with a runc-style id.
bool MatchBareId(const Segment& seg, CgroupMatch* out) {
  if (!IsRuncId(seg.text)) return false;
  ContainerType type = ContainerType::kUnknown;
  if (seg.parent == "docker") {
    type = ContainerType::kDocker;
  } else if (seg.depth_two && (seg.parent == "k8s.io" || seg.parent == "default")) {
    type = ContainerType::kContainerd;
  } else if (seg.parent == "libpod_parent" || seg.child == "conmon") {
    // A podman pod: a 64-hex directory holding `libpod-<id>` and `conmon`.
    return false;
  }
  SetRunc(seg.text, type, out);
  return true;
}

bool MatchBpm(const Segment& seg, CgroupMatch* out) {
  std::string_view s = seg.text;
  if (!StripPrefix(&s, "bpm-")) return false;
  StripSuffix(&s, ".scope");
  if (!IsBpmName(s) || IsSystemdUnit(s)) return false;
  SetNamed(s, ContainerType::kBpm, out);
  return true;
}

// ctr's `/<namespace>/<id>`: any name, so only accepted for exactly two
// segments that no other layout explains.
bool MatchCtr(const Segment& seg, CgroupMatch* out) {
  if (!seg.leaf || !seg.depth_two) return false;
  if (!IsContainerdIdentifier(seg.parent) || !IsContainerdIdentifier(seg.text)) return false;
  if (IsSystemdUnit(seg.parent) || IsSystemdUnit(seg.text) || IsReservedParent(seg.parent)) return false;
  if (seg.text == "conmon") return false;
  if (seg.text.size() >= kMinForeignHexLength && IsAllHex(seg.text)) return false;
  out->id = seg.text.substr(0, kShortIdLength);
  out->full_id = seg.text;
  out->type = ContainerType::kContainerd;
  out->metadata_from_cgroup = false;
  return true;
}

bool MatchSegment(const MatcherOptions& options, const Segment& seg, CgroupMatch* out) {
  // Legacy libvirt `/libvirt/lxc/<name>` must win over lxc's `/lxc/<name>`.
  if (seg.parent == "lxc" && seg.grandparent == "libvirt") {
    if (!options.libvirt_lxc) return false;
    SetNamed(seg.text, ContainerType::kLibvirtLxc, out);
    return true;
  }
  if (options.libvirt_lxc && MatchLibvirt(seg, out)) return true;
  if (options.lxc && MatchLxc(seg, out)) return true;
  if (MatchPrefixed(seg, out)) return true;
  if (MatchColonForm(seg, out)) return true;
  if (MatchBareId(seg, out)) return true;
  if (options.bpm && MatchBpm(seg, out)) return true;
  return MatchCtr(seg, out);
}

}  // namespace

CgroupMatcher::CgroupMatcher(MatcherOptions options) : options_(options) {}

bool CgroupMatcher::Match(std::string_view path, CgroupMatch* out) const {
  std::string_view rest;
  Segment seg;
  seg.text = LastSegment(path, &rest);
  seg.leaf = true;
  while (!seg.text.empty()) {
    std::string_view parent_rest;
    seg.parent = LastSegment(rest, &parent_rest);
    std::string_view grandparent_rest;
    seg.grandparent = LastSegment(parent_rest, &grandparent_rest);
    seg.depth_two = !seg.parent.empty() && seg.grandparent.empty();
    CgroupMatch match;
    if (MatchSegment(options_, seg, &match)) {
      *out = match;
      return true;
    }
    seg.child = seg.text;
    seg.text = seg.parent;
    seg.leaf = false;
    rest = parent_rest;
  }
  return false;
}

}  // namespace libcontainer
