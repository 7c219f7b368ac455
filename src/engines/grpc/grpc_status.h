// What a gRPC status means to an engine watcher: a line for the log, and the
// protocol-agnostic outcome of an inspect.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "engines/engine_session.h"

namespace libcontainer {

// "UNAVAILABLE: failed to connect ..." for log lines and last_error.
std::string DescribeStatus(const grpc::Status& status);

// NOT_FOUND → kNotFound; transport trouble (UNAVAILABLE, DEADLINE_EXCEEDED,
// CANCELLED) → kUnreachable; any other failure → kBadResponse. Fills
// *error with DescribeStatus() unless the call succeeded.
InspectOutcome OutcomeOf(const grpc::Status& status, std::string* error);

}  // namespace libcontainer
