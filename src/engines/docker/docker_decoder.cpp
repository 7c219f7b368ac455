#include "engines/docker/docker_decoder.h"

#include <nlohmann/json.hpp>

#include "engines/common/engine_values.h"
#include "engines/common/json_access.h"

namespace libcontainer {
namespace {

// The accessors are this file's vocabulary.
using namespace json_access;  // NOLINT(google-build-using-namespace)

// Docker Hub names appear both short (`busybox`) and long
// (`docker.io/library/busybox`); compare them in the short form.
std::string_view NormalizeRepository(std::string_view repo) {
  for (std::string_view prefix : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (repo.starts_with(prefix)) {
      repo.remove_prefix(prefix.size());
      break;
    }
  }
  if (repo.starts_with("library/")) repo.remove_prefix(8);
  return repo;
}

}  // namespace

std::optional<ContainerInfo> DecodeDockerInspect(std::string_view text, const DecodeOptions& options,
                                                 std::string* error, std::string* network_container) {
  return engine_decode::DecodeInspect(
      text, options, ContainerType::kDocker,
      [](const Json& root, ContainerInfo* info) {
        const Json* config = ObjectMember(root, "Config");
        engine_decode::SetImage(config != nullptr ? String(*config, "Image") : std::string(),
                                String(root, "Image"), info);

        // dockershim names sandboxes k8s_POD_<pod>_<ns>_…; a sandbox is its own pod's sandbox.
        info->is_pod_sandbox = info->name.find("k8s_POD") != std::string::npos;
        if (info->is_pod_sandbox && info->pod_sandbox_id.empty()) info->pod_sandbox_id = info->full_id;
      },
      error, network_container);
}

void ApplyDockerImageInspect(std::string_view image_json, ContainerInfo* info) {
  if (info == nullptr) return;
  try {
    Json root;
    if (!ParseDocument(image_json, &root, nullptr) || !root.is_object()) return;
    if (info->image_id.empty()) info->image_id = std::string(engine_decode::StripSha256(String(root, "Id")));

    std::vector<std::string> repo_digests = StringArray(root, "RepoDigests");
    std::vector<std::string> repo_tags = StringArray(root, "RepoTags");

    auto digest_repo = [](std::string_view entry) { return entry.substr(0, entry.find('@')); };

    if (info->image_repo.empty()) {
      // Created from an image id: name it after the image's own references.
      if (!repo_digests.empty()) {
        info->image_repo = std::string(digest_repo(repo_digests.front()));
      } else if (!repo_tags.empty()) {
        info->image_repo = ParseImageReference(repo_tags.front()).repository;
      }
    }
    std::string_view wanted = NormalizeRepository(info->image_repo);

    if (info->image_digest.empty()) {
      for (const auto& entry : repo_digests) {
        auto at = entry.find('@');
        if (at != std::string::npos && NormalizeRepository(entry.substr(0, at)) == wanted) {
          info->image_digest = entry.substr(at + 1);
          break;
        }
      }
      // A single digest is unambiguous even when its name differs (retagged image).
      if (info->image_digest.empty() && repo_digests.size() == 1) {
        auto at = repo_digests.front().find('@');
        if (at != std::string::npos) info->image_digest = repo_digests.front().substr(at + 1);
      }
    }

    if (info->image_tag.empty()) {
      // An untagged reference means `latest`; otherwise take the first tag of the repository.
      std::string first_match;
      for (const auto& entry : repo_tags) {
        ImageReference ref = ParseImageReference(entry);
        if (NormalizeRepository(ref.repository) != wanted || ref.tag.empty()) continue;
        if (ref.tag == "latest") {
          first_match = ref.tag;
          break;
        }
        if (first_match.empty()) first_match = ref.tag;
      }
      info->image_tag = first_match;
    }
  } catch (...) {
    // Leave whatever was filled; the record is still usable.
  }
}

std::optional<EngineEvent> DecodeDockerEvent(std::string_view line) {
  return engine_decode::EventFromLine(line);
}

}  // namespace libcontainer
