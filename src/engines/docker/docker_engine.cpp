#include "engines/docker/docker_engine.h"

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "engines/docker/docker_decoder.h"
#include "engines/docker/recent_images.h"
#include "engines/http/http_session.h"

namespace libcontainer {
namespace {

// An image's inspect answers the containers of that image for this long
// (see RecentImages); at most this many images are kept.
constexpr std::chrono::milliseconds kImageAnswerLifetime{5000};
constexpr size_t kImagesKept = 64;

bool ParseApiVersion(std::string_view text, int* major, int* minor) {
  char tail = 0;
  const std::string copy(text);
  return std::sscanf(copy.c_str(), "%d.%d%c", major, minor, &tail) == 2;
}

class DockerDialect final : public HttpEngineDialect {
 public:
  explicit DockerDialect(const PluginConfig& config)
      : options_{config.label_max_len, config.with_size}, hooks_(config.hooks) {}

  ContainerType type() const override { return ContainerType::kDocker; }

  // min(server ApiVersion, 1.41): never above what the server speaks, and
  // never above what our decoders were written for.
  bool Negotiate(std::string_view version_body, std::string* prefix, std::string* version,
                 std::string* error) const override {
    const nlohmann::json doc = nlohmann::json::parse(version_body, nullptr, /*allow_exceptions=*/false);
    const auto it = doc.is_object() ? doc.find("ApiVersion") : doc.end();
    int major = 0, minor = 0, max_major = 0, max_minor = 0;
    if (it == doc.end() || !it->is_string() || !ParseApiVersion(it->get<std::string>(), &major, &minor)) {
      *error = "no ApiVersion in /version";
      return false;
    }
    ParseApiVersion(kDockerMaxApiVersion, &max_major, &max_minor);
    const bool newer = major > max_major || (major == max_major && minor > max_minor);
    *version =
        newer ? std::string(kDockerMaxApiVersion) : std::to_string(major) + "." + std::to_string(minor);
    *prefix = "/v" + *version;
    return true;
  }

  std::string EventsPath(std::string_view prefix, int64_t since_seconds) const override {
    return std::string(prefix) + "/events?since=" + std::to_string(since_seconds) +
           "&filters=" + ContainerEventFilters(hooks_, "destroy");
  }

  std::optional<EngineEvent> DecodeEvent(std::string_view line) const override {
    return DecodeDockerEvent(line);
  }

  InspectOutcome Inspect(EngineHttp& http, std::string_view prefix, std::string_view id, ContainerInfo* info,
                         std::string* error) const override {
    const InspectOutcome status =
        InspectContainer(http, prefix, id, options_, DecodeDockerInspect, info, error);
    if (status != InspectOutcome::kFound) return status;
    // The image's RepoDigests carry the digest the container inspect lacks.
    // Best effort: a failure leaves those fields as the name gave them.
    const std::string& image = info->image_id.empty() ? info->image : info->image_id;
    if (image.empty()) return InspectOutcome::kFound;
    if (const std::optional<std::string> body = images_.Find(image)) {
      ApplyDockerImageInspect(*body, info);
      return InspectOutcome::kFound;
    }
    EngineHttp::Result image_result =
        http.Get(std::string(prefix) + "/images/" + image + "/json", kMaxContainerDocumentBytes);
    if (image_result.outcome == EngineHttp::Result::Outcome::kStopped) return InspectOutcome::kStopped;
    if (image_result.ok()) {
      ApplyDockerImageInspect(image_result.body, info);
      images_.Keep(image, std::move(image_result.body));
    }
    return InspectOutcome::kFound;
  }

 private:
  const DecodeOptions options_;
  const uint32_t hooks_;
  // Mutable: a cache behind the dialect's const, thread-safe calls.
  mutable RecentImages images_{kImageAnswerLifetime, kImagesKept};
};

}  // namespace

DockerEngine::DockerEngine(std::vector<std::string> sockets, const PluginConfig& config, const Logger& logger,
                           EngineTiming timing)
    : EngineWatcher({.name = "docker", .deduplicate_events = true}, std::move(sockets), config, logger,
                    timing),
      dialect_(std::make_unique<DockerDialect>(config)) {}

DockerEngine::~DockerEngine() {
  // Sessions call into the dialect: they end before it goes.
  Stop();
}

std::unique_ptr<EngineSession> DockerEngine::MakeSession(const std::string& socket) {
  return std::make_unique<HttpSession>(socket, *dialect_, *this);
}

}  // namespace libcontainer
