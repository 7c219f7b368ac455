// EventView over arbitrary bytes, and the container events decoded from it
// (our async events, the legacy `container` event, the JSON container events
// of older captures). The host promises `len` readable bytes, so the input is
// copied to a buffer of exactly the size the header claims: ASan then sees
// any read past the event.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/event_codec.h"
#include "fuzz_check.h"
#include "plugin/container_events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using libcontainer::EventView;
  if (size < libcontainer::kEventHeaderSize) return 0;
  // The header's own length field is replaced by the input's size: a larger
  // claim would be a host bug, a smaller one only hides bytes from the fuzzer.
  std::vector<uint8_t> event(data, data + size);
  const uint32_t len = static_cast<uint32_t>(size);
  std::memcpy(event.data() + 16, &len, sizeof(len));

  const auto view = EventView::Parse(event.data());
  if (!view) return 0;
  for (uint32_t i = 0; i <= view->num_params(); ++i) {
    const auto raw = view->Param(i);
    FUZZ_CHECK(raw.has_value() == (i < view->num_params()));
    if (!raw) continue;
    const auto* begin = reinterpret_cast<const uint8_t*>(raw->data());
    FUZZ_CHECK(begin >= event.data() && begin + raw->size() <= event.data() + event.size());
    (void)view->ParamInt64(i);
    (void)view->ParamUint32(i);
    const auto text = view->ParamString(i);
    FUZZ_CHECK(text && text->size() <= raw->size());
  }
  if (libcontainer::IsContainerEventType(view->type())) {
    const auto decoded = libcontainer::DecodeContainerEvent(*view);
    using Outcome = libcontainer::DecodedContainerEvent::Outcome;
    FUZZ_CHECK((decoded.outcome == Outcome::kContainer) == (decoded.info != nullptr));
  }
  return 0;
}
