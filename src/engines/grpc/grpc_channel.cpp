#include "engines/grpc/grpc_channel.h"

namespace libcontainer {

std::string GrpcUnixTarget(const std::string& socket_or_target) {
  if (socket_or_target.starts_with("/")) return "unix://" + socket_or_target;
  return socket_or_target;
}

std::shared_ptr<grpc::Channel> MakeEngineChannel(const std::string& socket_or_target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // gRPC's default backoff grows to 2 minutes; an engine restart should be
  // noticed within seconds.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  return grpc::CreateCustomChannel(GrpcUnixTarget(socket_or_target), grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace libcontainer
