// A container's labels (and its pod's): text keys to text values, each key
// once, in key order.
//
// Held in one buffer of length-prefixed entries rather than as map nodes: a
// CRI container carries six labels or more (kubelet's pod name, namespace and
// uid, the sandbox id, ...), and as std::map nodes they cost 0.95 KB of every
// cached record, two thirds of it node and string headers. Packed, the same
// labels take their text plus 9 bytes each. Lookups scan the entries, which is
// faster than a tree for the few dozen labels a container has, and take a
// string_view, so extracting a label never builds a key string.
//
// Built in key order (JSON objects and the merge read that way; protobuf maps
// are sorted first, engines/grpc/proto_map.h), each label is an append: a
// container with ten thousand labels decodes in linear time. A label set that
// fits kExactFitBytes is held without spare capacity, as records are cached
// for their lifetime; a larger one grows geometrically.
//
// Keys and values may hold any byte, NULs included (engines send them; the
// text cleaning decides what Falco sees). A key or value of 4 GiB or more is
// not kept: no engine sends one, and our readers cap bodies far below that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace libcontainer {

class Labels {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  // Walks the entries in key order; an entry reads as {key, value} views into
  // the buffer, valid until the labels change. A value's view is followed by
  // a NUL, as std::string's contents are: Falco takes field values as C strings.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Labels::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const { return entry_; }
    pointer operator->() const { return &entry_; }
    const_iterator& operator++() {
      Decode(entry_.second.data() + entry_.second.size() + 1);  // past the value's NUL
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const { return at_ == other.at_; }

   private:
    friend class Labels;
    const_iterator(const char* at, const char* end) : end_(end) { Decode(at); }
    void Decode(const char* at);

    const char* at_ = nullptr;
    const char* end_ = nullptr;
    value_type entry_;
  };
  using iterator = const_iterator;

  Labels() = default;
  // Like std::map's: a key given twice keeps its first value.
  Labels(std::initializer_list<value_type> entries);

  const_iterator begin() const { return {buffer_.data(), buffer_.data() + buffer_.size()}; }
  const_iterator end() const { return {buffer_.data() + buffer_.size(), buffer_.data() + buffer_.size()}; }
  bool empty() const { return buffer_.empty(); }
  size_t size() const { return static_cast<size_t>(std::distance(begin(), end())); }

  const_iterator find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != end(); }
  size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  // The value of `key`; throws std::out_of_range when there is none, as std::map does.
  std::string_view at(std::string_view key) const {
    const const_iterator it = find(key);
    if (it == end()) throw std::out_of_range("no such label");
    return it->second;
  }

  // Adds the label unless `key` is there already; returns whether it was added.
  bool emplace(std::string_view key, std::string_view value);
  // Adds the labels of `other` whose keys these lack, in one pass over both.
  void AddMissing(const Labels& other);
  // Removes the labels for which pred({key, value}) holds; returns how many went.
  template <typename Pred>
  size_t erase_if(const Pred& pred) {
    std::string kept;
    size_t removed = 0;
    for (const value_type& entry : *this) {
      if (pred(entry)) {
        ++removed;
      } else {
        AppendEntry(kept, entry.first, entry.second);
      }
    }
    if (removed > 0) Assign(kept);
    return removed;
  }

  bool operator==(const Labels&) const = default;

 private:
  // Each entry: key length and value length (uint32_t, native byte order,
  // unaligned), the key's bytes, the value's, a NUL.
  static constexpr size_t kEntryHeader = 2 * sizeof(uint32_t);
  // Up to this size the buffer is reallocated to fit at each change.
  static constexpr size_t kExactFitBytes = 4096;

  // Where `key` goes: the offset of the first entry whose key is not before
  // it, and whether that entry is `key`.
  struct Place {
    size_t at = 0;
    bool found = false;
  };
  Place Locate(std::string_view key) const;
  // Inserts the entry {key, value} at offset `at`; `key` and `value` may view
  // this buffer.
  void Insert(size_t at, std::string_view key, std::string_view value);
  // Takes `built` (entries in key order) as the buffer, without spare
  // capacity when small.
  void Assign(std::string& built);
  size_t LastEntryOffset() const;  // by a walk
  static bool Fits(std::string_view key, std::string_view value);
  static void AppendEntry(std::string& out, std::string_view key, std::string_view value);

  std::string buffer_;
  size_t last_ = 0;  // offset of the last entry; 0 when there is none
};

}  // namespace libcontainer
