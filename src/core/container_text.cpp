#include "core/container_text.h"

#include <algorithm>
#include <utility>

namespace libcontainer {
namespace {

// The length of the well-formed UTF-8 sequence starting at in[i], or 0 when
// the byte there does not start one (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF).
size_t SequenceLength(std::string_view in, size_t i) {
  const auto b = static_cast<unsigned char>(in[i]);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > in.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(in[i + k]);
    if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return 0;
  }
  return len;
}

// ReplaceInvalidUtf8, also replacing NULs when `replace_nul`.
bool Replace(std::string_view in, bool replace_nul, std::string* out) {
  bool changed = false;
  out->clear();
  out->reserve(in.size() + 16);
  size_t i = 0;
  while (i < in.size()) {
    const size_t len = SequenceLength(in, i);
    if (len == 0 || (replace_nul && in[i] == '\0')) {
      out->append(kReplacementCharacter);
      changed = true;
      ++i;
    } else {
      out->append(in.substr(i, len));
      i += len;
    }
  }
  return changed;
}

// Cleans `text` in place; true if it changed.
bool Clean(std::string& text) {
  if (IsCleanText(text)) return false;
  text = CleanText(text);
  return true;
}

// Calls visit(text) for every string of `info` but the labels, which cleaning
// rebuilds (they are held packed); `Info` is const or not.
template <typename Info, typename Visit>
void VisitTexts(Info& info, const Visit& visit) {
  for (auto* text :
       {&info.id, &info.full_id, &info.name, &info.image, &info.image_id, &info.image_repo, &info.image_tag,
        &info.image_digest, &info.user, &info.cni_json, &info.ip, &info.pod_sandbox_id}) {
    visit(*text);
  }
  for (auto& text : info.env) visit(text);
  for (auto& mount : info.mounts) {
    for (auto* text : {&mount.source, &mount.destination, &mount.mode, &mount.propagation}) visit(*text);
  }
  for (auto* probe : {&info.healthcheck, &info.liveness_probe, &info.readiness_probe}) {
    if (!probe->has_value()) continue;
    visit((*probe)->exe);
    for (auto& arg : (*probe)->args) visit(arg);
  }
}

bool LabelsClean(const Labels& labels) {
  return std::all_of(labels.begin(), labels.end(),
                     [](const auto& label) { return IsCleanText(label.first) && IsCleanText(label.second); });
}

void CleanLabels(Labels& labels) {
  if (LabelsClean(labels)) return;
  Labels clean;
  for (const auto& [key, value] : labels) clean.emplace(CleanText(key), CleanText(value));
  labels = std::move(clean);
}

}  // namespace

bool ReplaceInvalidUtf8(std::string_view in, std::string* out) {
  return Replace(in, /*replace_nul=*/false, out);
}

std::string CleanText(std::string_view text) {
  std::string clean;
  Replace(text, /*replace_nul=*/true, &clean);
  return clean;
}

bool IsCleanText(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t len = SequenceLength(text, i);
    if (len == 0 || text[i] == '\0') return false;
    i += len;
  }
  return true;
}

bool HasCleanText(const ContainerInfo& info) {
  bool clean = LabelsClean(info.labels) && LabelsClean(info.pod_sandbox_labels);
  VisitTexts(info, [&clean](const std::string& text) { clean = clean && IsCleanText(text); });
  return clean;
}

bool CleanContainerText(ContainerInfo* info) {
  if (HasCleanText(*info)) return false;
  VisitTexts(*info, [](std::string& text) { Clean(text); });
  CleanLabels(info->labels);
  CleanLabels(info->pod_sandbox_labels);
  return true;
}

}  // namespace libcontainer
