// Writes the fuzz seeds that are derived from tests/data rather than copied:
// protobuf wire messages rebuilt from the JSON samples, scap events cut out of
// the captures, cgroup paths of the captures' processes, payloads written by
// our own encoder. Usage: fuzz_make_seeds <tests/data> <fuzz/corpus>.
// Deterministic file names (<target>/<what>), so re-running it rewrites the
// same files.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "containerd/events/container.pb.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "core/container_json.h"
#include "core/event_codec.h"
#include "cri/api.pb.h"
#include "engines/docker/docker_decoder.h"
#include "engines/podman/podman_decoder.h"
#include "engines/proto_entries.h"
#include "engines/proto_json.h"
#include "host/scap_reader.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path g_data, g_corpus;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Sample(const std::string& name) {
  return Read(g_data / "samples" / name);
}

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_corpus / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

// The first `max` non-empty lines of a sample, each a seed.
void WriteLines(const std::string& target, const std::string& sample, size_t max) {
  std::istringstream in(Sample(sample));
  size_t n = 0;
  for (std::string line; n < max && std::getline(in, line);) {
    if (!line.empty()) Write(target, sample + "." + std::to_string(n++), line);
  }
}

// Wire bytes with map fields (labels) in a fixed order, so that re-running
// rewrites equal files.
std::string Bytes(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

template <typename Message>
Message FromJson(const std::string& text) {
  Message m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(
           libcontainer::engine_testing::AsOurProtoJson<Message>(text), &m, options)
           .ok()) {
    throw std::runtime_error("not a " + m.GetTypeName() + ": " + text.substr(0, 80));
  }
  return m;
}

void EngineJson() {
  for (const char* name : {"docker-inspect.json", "docker-containers-list.json", "podman-compat-inspect.json",
                           "podman-compat-containers-list.json"}) {
    Write("docker_json", name, Sample(name));
  }
  WriteLines("docker_json", "docker-events.jsonl", 6);
  WriteLines("docker_json", "podman-compat-events.jsonl", 3);
  for (const char* name :
       {"podman-inspect.json", "podman-libpod-containers-list.json", "podman-compat-inspect.json"}) {
    Write("podman_json", name, Sample(name));
  }
  WriteLines("podman_json", "podman-libpod-events.jsonl", 6);
  WriteLines("podman_json", "podman-events-log.jsonl", 6);
}

void Containerd() {
  // `ctr containers info` prints the Go struct; rebuild the gRPC message.
  const json doc = json::parse(Sample("containerd-ctr-container-info.json"));
  containerd::services::containers::v1::Container c;
  c.set_id(doc.at("ID").get<std::string>());
  c.set_image(doc.at("Image").get<std::string>());
  for (const auto& [k, v] : doc.at("Labels").items()) {
    libcontainer::engine_testing::SetEntry(c.mutable_labels(), k, v.get<std::string>());
  }
  c.mutable_runtime()->set_name(doc.at("Runtime").at("Name").get<std::string>());
  google::protobuf::util::TimeUtil::FromString(doc.at("CreatedAt").get<std::string>(),
                                               c.mutable_created_at());
  c.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Spec");
  c.mutable_spec()->set_value(doc.at("Spec").dump());
  Write("containerd_container", "ctr-container-info", Bytes(c));
  c.mutable_spec()->clear_value();
  Write("containerd_container", "ctr-container-info-nospec", Bytes(c));
  Write("containerd_spec", "ctr-container-info", doc.at("Spec").dump());

  // `ctr events` lines: "<date> <time> +0000 UTC <namespace> <topic> <json>".
  std::istringstream lines(Sample("containerd-ctr-events.txt"));
  std::set<std::string> topics;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string date, time, offset, utc, ns, topic, payload;
    in >> date >> time >> offset >> utc >> ns >> topic;
    std::getline(in, payload);
    if (!topics.insert(topic).second) continue;
    containerd::services::events::v1::Envelope e;
    e.set_namespace_(ns);
    e.set_topic(topic);
    google::protobuf::util::TimeUtil::FromString(date + "T" + time + "Z", e.mutable_timestamp());
    json body = json::parse(payload);
    body.erase("runtime");  // a Go-printed Any the proto JSON parser refuses; never read
    std::string bytes, type;
    if (topic == "/containers/create") {
      bytes = Bytes(FromJson<containerd::events::ContainerCreate>(body.dump()));
      type = "containerd.events.ContainerCreate";
    } else if (topic == "/containers/delete") {
      bytes = Bytes(FromJson<containerd::events::ContainerDelete>(body.dump()));
      type = "containerd.events.ContainerDelete";
    } else if (topic == "/tasks/start") {
      bytes = Bytes(FromJson<containerd::events::TaskStart>(body.dump()));
      type = "containerd.events.TaskStart";
    } else if (topic == "/tasks/exit") {
      bytes = Bytes(FromJson<containerd::events::TaskExit>(body.dump()));
      type = "containerd.events.TaskExit";
    } else if (topic == "/tasks/create") {
      bytes = Bytes(FromJson<containerd::events::TaskCreate>(body.dump()));
      type = "containerd.events.TaskCreate";
    }
    e.mutable_event()->set_type_url(type);
    e.mutable_event()->set_value(bytes);
    std::string name = topic.substr(1);
    for (char& ch : name) ch = ch == '/' ? '-' : ch;
    Write("containerd_envelope", name, Bytes(e));
    if (topic == "/tasks/start") {
      // The first and last instants int64 nanoseconds hold: seeds at the edge
      // of the time conversion, a small mutation away from beyond it.
      e.mutable_timestamp()->set_seconds(9223372035);
      e.mutable_timestamp()->set_nanos(999999999);
      Write("containerd_envelope", "edge-latest-time", Bytes(e));
      e.mutable_timestamp()->set_seconds(-9223372035);
      e.mutable_timestamp()->set_nanos(-999999999);
      Write("containerd_envelope", "edge-earliest-time", Bytes(e));
    }
  }
}

void Cri() {
  const std::string container_json = Sample("containerd-cri-container-status-verbose.json");
  const std::string sandbox_json = Sample("containerd-cri-pod-status-verbose.json");
  const auto container = FromJson<runtime::v1::ContainerStatusResponse>(container_json);
  const auto sandbox = FromJson<runtime::v1::PodSandboxStatusResponse>(sandbox_json);
  const std::string c = Bytes(container), s = Bytes(sandbox);
  Write("cri_messages", "container-status", std::string(1, '\0') + c);
  Write("cri_messages", "sandbox-status", std::string(1, '\1') + s);
  const std::string split{static_cast<char>(c.size() >> 8), static_cast<char>(c.size() & 0xff)};
  Write("cri_messages", "container-with-sandbox", std::string(1, '\3') + split + c + s);
  runtime::v1::ContainerEventResponse event;
  event.set_container_id(container.status().id());
  event.set_container_event_type(runtime::v1::CONTAINER_STARTED_EVENT);
  event.set_created_at(1764000000123456789);
  *event.add_containers_statuses() = container.status();
  Write("cri_messages", "container-event", std::string(1, '\2') + Bytes(event));
  Write("cri_info_json", "container-info", container.info().at("info"));
  Write("cri_info_json", "sandbox-info", sandbox.info().at("info"));
  Write("containerd_spec", "cri-runtime-spec",
        json::parse(container.info().at("info")).at("runtimeSpec").dump());
}

// Our payload for each sample container, and the legacy bare inner object.
void Payloads() {
  std::vector<libcontainer::ContainerInfo> infos;
  std::string error;
  for (const char* name : {"docker-inspect.json", "podman-compat-inspect.json"}) {
    infos.push_back(*libcontainer::DecodeDockerInspect(Sample(name), {}, &error));
  }
  infos.push_back(*libcontainer::DecodePodmanInspect(Sample("podman-inspect.json"), {}, &error));
  for (size_t i = 0; i < infos.size(); ++i) {
    const std::string payload = libcontainer::ContainerToJson(infos[i]);
    Write("container_payload", "payload." + std::to_string(i), payload);
    Write("container_payload", "legacy-inner." + std::to_string(i),
          json::parse(payload).at("container").dump());
    Write("event_view", "async-container." + std::to_string(i), [&] {
      const auto event = libcontainer::EncodeAsyncEvent("container", payload, 42, 1000);
      return std::string(event.begin(), event.end());
    }());
  }
}

// A few events of every type of each capture (the container events all, up to
// a dozen), and the cgroup paths of the captures' processes.
void Captures() {
  std::set<std::string> cgroups;
  for (const auto& entry : fs::directory_iterator(g_data / "captures")) {
    testhost::ScapCapture capture;
    std::string error;
    testhost::ReadScapFile(entry.path().string(), &capture, &error);
    std::map<uint16_t, int> per_type;
    for (const auto& event : capture.events) {
      const bool container = event.type == libcontainer::event_type::kContainer ||
                             event.type == libcontainer::event_type::kContainerJson ||
                             event.type == libcontainer::event_type::kContainerJson2;
      if (event.raw.size() > 2048 || ++per_type[event.type] > (container ? 12 : 1)) continue;
      Write("event_view",
            entry.path().stem().string() + "." + std::to_string(event.type) + "." +
                std::to_string(per_type[event.type]),
            std::string(event.raw.begin(), event.raw.end()));
    }
    for (const auto& thread : capture.threads) {
      for (const auto& [subsystem, path] : thread.cgroups) cgroups.insert(path);
    }
  }
  size_t n = 0;
  for (const std::string& path : cgroups) {
    if (path != "/" && n < 24) Write("cgroup_matcher", "capture." + std::to_string(n++), "\x07" + path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <tests/data> <fuzz/corpus>\n", argv[0]);
    return 2;
  }
  g_data = argv[1];
  g_corpus = argv[2];
  try {
    EngineJson();
    Containerd();
    Cri();
    Payloads();
    Captures();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
