#include "core/labels.h"

#include <algorithm>
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

Labels::Place Labels::Locate(std::string_view key) const {
  const char* const base = buffer_.data();
  const char* const last = base + buffer_.size();
  // Labels built in key order land after the last one: no scan.
  if (buffer_.empty() || const_iterator(base + last_, last)->first < key) return {buffer_.size(), false};
  for (const_iterator it(base, last); it.at_ != last; ++it) {
    const int order = it->first.compare(key);
    if (order >= 0) return {static_cast<size_t>(it.at_ - base), order == 0};
  }
  return {buffer_.size(), false};
}

bool Labels::emplace(std::string_view key, std::string_view value) {
  if (!Fits(key, value)) return false;
  const Place place = Locate(key);
  if (place.found) return false;
  Insert(place.at, key, value);
  return true;
}

void Labels::AddMissing(const Labels& other) {
  if (other.empty()) return;
  std::string merged;
  bool added = false;
  const_iterator mine = begin();
  for (const value_type& theirs : other) {
    for (; mine != end() && mine->first < theirs.first; ++mine)
      AppendEntry(merged, mine->first, mine->second);
    if (mine != end() && mine->first == theirs.first) continue;
    AppendEntry(merged, theirs.first, theirs.second);
    added = true;
  }
  if (!added) return;
  for (; mine != end(); ++mine) AppendEntry(merged, mine->first, mine->second);
  Assign(merged);
}

void Labels::Insert(size_t at, std::string_view key, std::string_view value) {
  const size_t old_size = buffer_.size();
  const size_t added = kEntryHeader + key.size() + value.size() + 1;
  // `key` and `value` may view this buffer (a value read from these labels):
  // they are copied out before the buffer changes.
  if (old_size + added <= kExactFitBytes) {
    std::string next;
    next.reserve(old_size + added);
    next.append(buffer_, 0, at);
    AppendEntry(next, key, value);
    next.append(buffer_, at);
    buffer_ = std::move(next);
  } else {
    std::string entry;
    AppendEntry(entry, key, value);
    buffer_.insert(at, entry);  // grows geometrically
  }
  // Appended: it is the last entry; else the last one moved up.
  last_ = at == old_size ? at : last_ + added;
}

void Labels::Assign(std::string& built) {
  if (built.size() <= kExactFitBytes) {
    buffer_ = std::string(built);  // a copy: a string built by appends keeps spare capacity
  } else {
    buffer_ = std::move(built);
  }
  last_ = LastEntryOffset();
}

size_t Labels::LastEntryOffset() const {
  size_t last = 0;
  for (auto it = begin(); it != end(); ++it) last = static_cast<size_t>(it.at_ - buffer_.data());
  return last;
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
