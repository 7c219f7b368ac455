// An entry acquired from a host table, released when the handle goes away.
//
// The host keeps an acquired entry alive until it is released (libsinsp holds
// a reference), so a release missed on an early return would pin the entry
// for good. The handle is three pointers and allocates nothing.
#pragma once

#include <utility>

#include "plugin/plugin_api.h"

namespace libcontainer {

class TableEntry {
 public:
  using Reader = ss_plugin_table_reader_vtable_ext;

  TableEntry() = default;
  // Takes over `entry` (may be nullptr) acquired from `table` through `reader`.
  TableEntry(const Reader& reader, ss_plugin_table_t* table, ss_plugin_table_entry_t* entry)
      : reader_(&reader), table_(table), entry_(entry) {}
  ~TableEntry() { Release(); }

  TableEntry(TableEntry&& other) noexcept
      : reader_(other.reader_), table_(other.table_), entry_(std::exchange(other.entry_, nullptr)) {}
  TableEntry& operator=(TableEntry&& other) noexcept {
    if (this != &other) {
      Release();
      reader_ = other.reader_;
      table_ = other.table_;
      entry_ = std::exchange(other.entry_, nullptr);
    }
    return *this;
  }
  TableEntry(const TableEntry&) = delete;
  TableEntry& operator=(const TableEntry&) = delete;

  ss_plugin_table_entry_t* get() const { return entry_; }
  explicit operator bool() const { return entry_ != nullptr; }

 private:
  void Release() {
    if (entry_ != nullptr) reader_->release_table_entry(table_, std::exchange(entry_, nullptr));
  }

  const Reader* reader_ = nullptr;
  ss_plugin_table_t* table_ = nullptr;
  ss_plugin_table_entry_t* entry_ = nullptr;
};

}  // namespace libcontainer
