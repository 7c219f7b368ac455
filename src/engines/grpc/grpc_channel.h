// The gRPC channel every engine client (containerd, CRI) opens on an
// engine's unix socket.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace libcontainer {

// "/run/x.sock" or "unix:///run/x.sock" → a gRPC target; other schemes are
// kept as they are (tests use them for in-process servers).
std::string GrpcUnixTarget(const std::string& socket_or_target);

// A channel with the settings every engine client wants: larger receive
// limit (big ListContainers answers) and a short reconnect backoff.
std::shared_ptr<grpc::Channel> MakeEngineChannel(const std::string& socket_or_target);

}  // namespace libcontainer
