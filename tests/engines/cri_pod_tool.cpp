// cri-pod-tool: CRI pod operations on a real containerd for test programs that load the plugin .so.
// Such a program must not link the generated protos itself (the .so carries its own copy, and protobuf
// aborts on the second registration), so it runs this helper, which uses our CriClient, as a subprocess.
//
//   cri-pod-tool SOCKET run-pod NAME NAMESPACE UID [KEY=VALUE...]         prints the sandbox id
//   cri-pod-tool SOCKET create-container [--no-start] SANDBOX NAME [KEY=VALUE...]
//                                                                        prints the container id
//   cri-pod-tool SOCKET start-container ID
//   cri-pod-tool SOCKET remove-container ID
//   cri-pod-tool SOCKET remove-pod SANDBOX                               its containers too
//   cri-pod-tool SOCKET remove-all-pods                                  prints the removed sandbox ids
//
// Pods are host-network pods from HostNetworkPodConfig, containers run RealContainerd::kImage. Every
// command first waits (20 s bound) for the CRI plugin to be ready. Exit 0 on success, 1 when the
// operation failed, 2 on bad usage; the reason goes to stderr.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engines/cri/cri_client.h"
#include "engines/cri_pod_ops.h"
#include "engines/proto_entries.h"

namespace {

namespace cri = ::runtime::v1;
using testengines::GrpcStatusText;

constexpr auto kReadyPatience = std::chrono::seconds(20);

int Usage(const char* why) {
  std::fprintf(stderr,
               "cri-pod-tool: %s\n"
               "usage: cri-pod-tool SOCKET run-pod NAME NAMESPACE UID [KEY=VALUE...]\n"
               "       cri-pod-tool SOCKET create-container [--no-start] SANDBOX NAME [KEY=VALUE...]\n"
               "       cri-pod-tool SOCKET start-container ID\n"
               "       cri-pod-tool SOCKET remove-container ID\n"
               "       cri-pod-tool SOCKET remove-pod SANDBOX\n"
               "       cri-pod-tool SOCKET remove-all-pods\n",
               why);
  return 2;
}

int Failed(const std::string& why) {
  std::fprintf(stderr, "cri-pod-tool: %s\n", why.c_str());
  return 1;
}

bool ParseLabels(const std::vector<std::string>& args, size_t from,
                 std::map<std::string, std::string>* labels) {
  for (size_t i = from; i < args.size(); ++i) {
    const size_t eq = args[i].find('=');
    if (eq == std::string::npos || eq == 0) return false;
    (*labels)[args[i].substr(0, eq)] = args[i].substr(eq + 1);
  }
  return true;
}

// The config the pod was made with, rebuilt from its status: this tool makes every pod through
// HostNetworkPodConfig without a cgroup parent, and CreateContainer wants it again.
bool PodConfig(libcontainer::CriClient& client, const std::string& sandbox, cri::PodSandboxConfig* config,
               std::string* error) {
  cri::PodSandboxStatusResponse status;
  grpc::Status rc = client.PodSandboxStatus(sandbox, false, &status);
  if (!rc.ok()) {
    *error = "PodSandboxStatus " + sandbox + ": " + GrpcStatusText(rc);
    return false;
  }
  const auto& meta = status.status().metadata();
  *config =
      testengines::HostNetworkPodConfig(meta.name(), meta.namespace_(), meta.uid(),
                                        libcontainer::engine_testing::EntryMap(status.status().labels()));
  *config->mutable_annotations() = status.status().annotations();
  return true;
}

int Run(std::vector<std::string> args) {
  if (args.size() < 2) return Usage("missing SOCKET or COMMAND");
  // Created only: the caller starts it later (kubelet's two steps).
  bool start = true;
  if (args[1] == "create-container" && args.size() > 2 && args[2] == "--no-start") {
    start = false;
    args.erase(args.begin() + 2);
  }
  const std::string& command = args[1];
  std::map<std::string, std::string> labels;
  if (command == "run-pod") {
    if (args.size() < 5 || !ParseLabels(args, 5, &labels))
      return Usage("run-pod NAME NAMESPACE UID [K=V...]");
  } else if (command == "create-container") {
    if (args.size() < 4 || !ParseLabels(args, 4, &labels))
      return Usage("create-container SANDBOX NAME [K=V...]");
  } else if (command == "start-container" || command == "remove-container" || command == "remove-pod") {
    if (args.size() != 3) return Usage((command + " takes one id").c_str());
  } else if (command == "remove-all-pods") {
    if (args.size() != 2) return Usage("remove-all-pods takes no arguments");
  } else {
    return Usage(("unknown command " + command).c_str());
  }

  // Generous deadline: sandbox start runs runc twice on a possibly busy CI machine.
  libcontainer::CriClient client(args[0], std::chrono::seconds(30));
  std::string error;
  if (!testengines::WaitCriReady(client, kReadyPatience, &error)) return Failed("CRI not ready: " + error);

  if (command == "run-pod") {
    const std::string id = testengines::RunPod(
        client, testengines::HostNetworkPodConfig(args[2], args[3], args[4], labels), &error);
    if (id.empty()) return Failed(error);
    std::printf("%s\n", id.c_str());
  } else if (command == "create-container") {
    cri::PodSandboxConfig pod;
    if (!PodConfig(client, args[2], &pod, &error)) return Failed(error);
    const auto request = testengines::PodContainerRequest(args[2], pod, args[3], labels);
    std::string id;
    if (start) {
      id = testengines::CreateAndStartContainer(client, request, &error);
      if (id.empty()) return Failed(error);
    } else {
      grpc::Status rc = client.CreateContainer(request, &id);
      if (!rc.ok()) return Failed("CreateContainer " + args[3] + ": " + GrpcStatusText(rc));
    }
    std::printf("%s\n", id.c_str());
  } else if (command == "start-container") {
    grpc::Status rc = client.StartContainer(args[2]);
    if (!rc.ok()) return Failed("StartContainer " + args[2] + ": " + GrpcStatusText(rc));
  } else if (command == "remove-container") {
    if (!testengines::RemoveContainer(client, args[2], &error)) return Failed(error);
  } else if (command == "remove-pod") {
    if (!testengines::RemovePod(client, args[2], &error)) return Failed(error);
  } else {
    std::vector<cri::PodSandbox> pods;
    grpc::Status rc = client.ListPodSandbox(nullptr, &pods);
    if (!rc.ok()) return Failed("ListPodSandbox: " + GrpcStatusText(rc));
    bool ok = true;
    for (const auto& pod : pods) {
      if (testengines::RemovePod(client, pod.id(), &error)) {
        std::printf("%s\n", pod.id().c_str());
      } else {
        std::fprintf(stderr, "cri-pod-tool: %s\n", error.c_str());
        ok = false;
      }
    }
    if (!ok) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return Run(std::vector<std::string>(argv + 1, argv + argc));
}
