// How an HTTP engine's answer to an inspect maps to InspectOutcome, which decides between "gone"
// (quiet), "cannot inspect" and "unusable inspect of container" (warnings).
#include <gtest/gtest.h>

#include <string>

#include "engines/http/engine_http.h"

namespace libcontainer {
namespace {

using Outcome = EngineHttp::Result::Outcome;

EngineHttp::Result HttpError(long status, std::string error) {  // NOLINT(runtime/int): as Result::status
  EngineHttp::Result result;
  result.outcome = Outcome::kHttpError;
  result.status = status;
  result.error = std::move(error);
  return result;
}

TEST(InspectOutcomeTest, AContainerRemovedWhileInspectedIsGone) {
  std::string error;
  EXPECT_EQ(InspectOutcomeOf(HttpError(404, "HTTP 404: {\"message\":\"No such container: x\"}"), &error),
            InspectOutcome::kNotFound);
  // Podman under churn: the container went between its lookup and its inspect.
  EXPECT_EQ(InspectOutcomeOf(HttpError(500, R"(HTTP 500: {"cause":"no such container","message":"x",)"
                                            R"("response":500})"),
                             &error),
            InspectOutcome::kNotFound);
  EXPECT_EQ(error.substr(0, 8), "HTTP 500");
}

TEST(InspectOutcomeTest, OtherErrorsAreBadAnswersOrUnreachable) {
  std::string error;
  EXPECT_EQ(InspectOutcomeOf(HttpError(500, "HTTP 500: {\"message\":\"database is locked\"}"), &error),
            InspectOutcome::kBadResponse);
  EXPECT_EQ(InspectOutcomeOf(HttpError(400, "HTTP 400: no such container"), &error),
            InspectOutcome::kBadResponse);
  EngineHttp::Result down;
  down.outcome = Outcome::kUnreachable;
  EXPECT_EQ(InspectOutcomeOf(down, &error), InspectOutcome::kUnreachable);
}

}  // namespace
}  // namespace libcontainer
