#include "core/event_codec.h"

#include <cstring>

namespace libcontainer {
namespace {

template <typename T>
T Load(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

template <typename T>
void Append(std::vector<uint8_t>& out, T value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(T));
}

// More parameters than any event has: guards against garbage headers.
constexpr uint32_t kMaxParams = 64;

}  // namespace

std::optional<EventView> EventView::Parse(const void* event) {
  if (event == nullptr) return std::nullopt;
  EventView view;
  view.bytes_ = static_cast<const uint8_t*>(event);
  view.ts_ = Load<uint64_t>(view.bytes_);
  view.tid_ = Load<uint64_t>(view.bytes_ + 8);
  view.len_ = Load<uint32_t>(view.bytes_ + 16);
  view.type_ = Load<uint16_t>(view.bytes_ + 20);
  view.num_params_ = Load<uint32_t>(view.bytes_ + 22);
  view.large_ = HasLargePayload(view.type_);
  if (view.num_params_ > kMaxParams || view.len_ < kEventHeaderSize) return std::nullopt;
  const size_t len_size = view.large_ ? 4 : 2;
  uint64_t total = kEventHeaderSize + len_size * view.num_params_;
  if (total > view.len_) return std::nullopt;
  const uint8_t* lengths = view.bytes_ + kEventHeaderSize;
  for (uint32_t i = 0; i < view.num_params_; ++i) {
    total += view.large_ ? Load<uint32_t>(lengths + size_t{4} * i) : Load<uint16_t>(lengths + size_t{2} * i);
  }
  if (total > view.len_) return std::nullopt;
  return view;
}

std::optional<std::string_view> EventView::Param(uint32_t index) const {
  if (index >= num_params_) return std::nullopt;
  const size_t len_size = large_ ? 4 : 2;
  const uint8_t* lengths = bytes_ + kEventHeaderSize;
  const uint8_t* data = lengths + len_size * num_params_;
  auto length_of = [&](uint32_t i) -> size_t {
    return large_ ? Load<uint32_t>(lengths + size_t{4} * i) : Load<uint16_t>(lengths + size_t{2} * i);
  };
  for (uint32_t i = 0; i < index; ++i) data += length_of(i);
  return std::string_view(reinterpret_cast<const char*>(data), length_of(index));
}

std::optional<int64_t> EventView::ParamInt64(uint32_t index) const {
  auto raw = Param(index);
  if (!raw || raw->size() != sizeof(int64_t)) return std::nullopt;
  return Load<int64_t>(reinterpret_cast<const uint8_t*>(raw->data()));
}

std::optional<uint32_t> EventView::ParamUint32(uint32_t index) const {
  auto raw = Param(index);
  if (!raw || raw->size() != sizeof(uint32_t)) return std::nullopt;
  return Load<uint32_t>(reinterpret_cast<const uint8_t*>(raw->data()));
}

std::optional<std::string_view> EventView::ParamString(uint32_t index) const {
  auto raw = Param(index);
  if (!raw) return std::nullopt;
  if (auto nul = raw->find('\0'); nul != std::string_view::npos) raw = raw->substr(0, nul);
  return raw;
}

std::vector<uint8_t> EncodeAsyncEvent(std::string_view name, std::string_view payload, uint64_t tid,
                                      uint64_t ts) {
  const uint32_t name_len = static_cast<uint32_t>(name.size() + 1);
  const uint32_t data_len = static_cast<uint32_t>(payload.size() + 1);
  const uint32_t total = static_cast<uint32_t>(kEventHeaderSize + 4 * sizeof(uint32_t) + name_len + data_len);
  std::vector<uint8_t> out;
  out.reserve(total);
  Append<uint64_t>(out, ts);
  Append<uint64_t>(out, tid);
  Append<uint32_t>(out, total);
  Append<uint16_t>(out, event_type::kAsyncEvent);
  Append<uint32_t>(out, 3);
  Append<uint32_t>(out, 4);
  Append<uint32_t>(out, name_len);
  Append<uint32_t>(out, data_len);
  Append<uint32_t>(out, 0);
  out.insert(out.end(), name.begin(), name.end());
  out.push_back('\0');
  out.insert(out.end(), payload.begin(), payload.end());
  out.push_back('\0');
  return out;
}

}  // namespace libcontainer
