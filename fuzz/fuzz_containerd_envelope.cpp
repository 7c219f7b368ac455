// containerd's events stream: an events.v1.Envelope from its wire bytes, with
// the topic's payload (an Any with a bare type name) decoded by topic. The
// envelope's timestamp is where int64 nanoseconds can overflow.
#include <cstddef>
#include <cstdint>

#include "containerd/services/events/v1/events.pb.h"
#include "engines/containerd/containerd_decoder.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  containerd::services::events::v1::Envelope envelope;
  if (!envelope.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (const auto event = libcontainer::DecodeContainerdEnvelope(envelope)) {
    FUZZ_CHECK(!event->id.empty());
    FUZZ_CHECK(event->topic == envelope.topic());
  }
  return 0;
}
