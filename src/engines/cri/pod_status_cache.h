// The pods' statuses one CRI listing has fetched, by sandbox id, shared by the
// inspect workers that inspect its containers. A pod holds several
// containers, and asking for its status once per pod rather than once per
// container nearly halves the calls of a listing. Thread-safe; two workers
// asking for the same pod at the same moment may both fetch it (a call
// wasted, against holding every other worker behind one call).
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cri/api.pb.h"

namespace libcontainer {

class PodStatusCache {
 public:
  using PodStatus = std::shared_ptr<const runtime::v1::PodSandboxStatusResponse>;
  using Fetch =
      std::function<grpc::Status(const std::string& sandbox_id, runtime::v1::PodSandboxStatusResponse* out)>;

  // The status of pod `sandbox_id`: kept, or fetched (and kept if the
  // runtime gave it). nullptr, with *status saying why (if not null), when it
  // did not.
  PodStatus Get(const std::string& sandbox_id, const Fetch& fetch, grpc::Status* status = nullptr);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, PodStatus> pods_;  // guarded by mu_
};

}  // namespace libcontainer
