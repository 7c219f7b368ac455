// The pods' statuses one CRI listing has fetched, by sandbox id, shared by the
// inspect workers that inspect its containers. A pod holds several
// containers, and asking for its status once per pod rather than once per
// container nearly halves the calls of a listing; its containers' pod facts
// are decoded once with it. Thread-safe: a worker asking for a pod another
// one is fetching waits for that fetch (a pod's containers tend to be listed
// side by side, so the workers would otherwise fetch it together), while
// fetches of different pods run side by side.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "cri/api.pb.h"
#include "engines/cri/cri_decoder.h"

namespace libcontainer {

// One pod as the runtime gave it, and what its containers take from it.
struct FetchedPod {
  runtime::v1::PodSandboxStatusResponse status;  // for the sandbox's own record
  std::optional<CriPod> facts;
};

class PodStatusCache {
 public:
  using PodStatus = std::shared_ptr<const FetchedPod>;
  using Fetch = std::function<grpc::Status(const std::string& sandbox_id, FetchedPod* out)>;

  // The status of pod `sandbox_id`: kept, or fetched (and kept if the
  // runtime gave it). nullptr, with *status saying why (if not null), when it
  // did not; a failed fetch is not kept, so the next caller asks again.
  PodStatus Get(const std::string& sandbox_id, const Fetch& fetch, grpc::Status* status = nullptr);

 private:
  struct Entry {
    PodStatus pod;          // null until fetched
    bool fetching = false;  // a caller is fetching it
  };

  std::mutex mu_;
  std::condition_variable fetched_;              // an entry stopped fetching
  std::unordered_map<std::string, Entry> pods_;  // guarded by mu_; never erased
};

}  // namespace libcontainer
