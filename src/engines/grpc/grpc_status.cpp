#include "engines/grpc/grpc_status.h"

namespace libcontainer {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    default:
      return nullptr;
  }
}

}  // namespace

std::string DescribeStatus(const grpc::Status& status) {
  const char* name = CodeName(status.error_code());
  std::string text = name != nullptr ? name : "gRPC code " + std::to_string(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

InspectOutcome OutcomeOf(const grpc::Status& status, std::string* error) {
  if (status.ok()) return InspectOutcome::kFound;
  *error = DescribeStatus(status);
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return InspectOutcome::kNotFound;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return InspectOutcome::kUnreachable;
    default:
      return InspectOutcome::kBadResponse;
  }
}

}  // namespace libcontainer
