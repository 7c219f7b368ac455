#include "core/labels.h"

#include <limits>

namespace libcontainer {

namespace {

uint32_t ReadLength(const char* at) {
  uint32_t length = 0;
  std::memcpy(&length, at, sizeof length);
  return length;
}

void AppendLength(std::string& out, size_t length) {
  const auto value = static_cast<uint32_t>(length);
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

}  // namespace

void Labels::const_iterator::Decode(const char* at) {
  at_ = at;
  if (at_ == end_) {
    entry_ = {};
    return;
  }
  const uint32_t key_length = ReadLength(at_);
  const uint32_t value_length = ReadLength(at_ + sizeof(uint32_t));
  const char* key = at_ + kEntryHeader;
  entry_ = {std::string_view(key, key_length), std::string_view(key + key_length, value_length)};
}

Labels::Labels(std::initializer_list<value_type> entries) {
  for (const value_type& entry : entries) emplace(entry.first, entry.second);
}

std::pair<Labels::const_iterator, bool> Labels::LowerBound(std::string_view key) const {
  const const_iterator last = end();
  for (const_iterator it = begin(); it != last; ++it) {
    const int order = it->first.compare(key);
    if (order >= 0) return {it, order == 0};
  }
  return {last, false};
}

Labels::const_iterator Labels::find(std::string_view key) const {
  // Extraction's path (k8s.ns.name, container.label[...]): raw entries, the
  // length compared before the bytes, and no order test, which for the
  // handful of labels a container has beats stopping early.
  const char* at = buffer_.data();
  const char* const last = at + buffer_.size();
  while (at != last) {
    const uint32_t key_length = ReadLength(at);
    const char* entry_key = at + kEntryHeader;
    if (key_length == key.size() && std::memcmp(entry_key, key.data(), key_length) == 0) return {at, last};
    at = entry_key + key_length + ReadLength(at + sizeof(uint32_t)) + 1;
  }
  return end();
}

bool Labels::emplace(std::string_view key, std::string_view value) {
  if (!Fits(key, value)) return false;
  const auto [it, found] = LowerBound(key);
  if (found) return false;
  const value_type entry{key, value};
  Splice(Offset(it), Offset(it), &entry);
  return true;
}

void Labels::insert_or_assign(std::string_view key, std::string_view value) {
  if (!Fits(key, value)) return;
  const auto [it, found] = LowerBound(key);
  const size_t from = Offset(it);
  const size_t to = found ? Offset(std::next(it)) : from;
  const value_type entry{key, value};
  Splice(from, to, &entry);
}

size_t Labels::erase(std::string_view key) {
  const auto [it, found] = LowerBound(key);
  if (!found) return 0;
  Splice(Offset(it), Offset(std::next(it)), nullptr);
  return 1;
}

void Labels::Splice(size_t from, size_t to, const value_type* entry) {
  // `entry` may view this buffer (a value read from these labels): the new
  // buffer is built beside it before the old one goes.
  const size_t added = entry == nullptr ? 0 : kEntryHeader + entry->first.size() + entry->second.size() + 1;
  std::string next;
  next.reserve(buffer_.size() - (to - from) + added);
  next.append(buffer_, 0, from);
  if (entry != nullptr) AppendEntry(next, entry->first, entry->second);
  next.append(buffer_, to);
  buffer_ = std::move(next);
}

bool Labels::Fits(std::string_view key, std::string_view value) {
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  return key.size() < kMax && value.size() < kMax;
}

void Labels::AppendEntry(std::string& out, std::string_view key, std::string_view value) {
  AppendLength(out, key.size());
  AppendLength(out, value.size());
  out.append(key).append(value).push_back('\0');
}

}  // namespace libcontainer
