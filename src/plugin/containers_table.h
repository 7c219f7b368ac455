// The `containers` table we export to the host (key: short container id).
// libsinsp reads `user` and `ip` from it; other plugins may read the rest.
// It is a read-only window on the ContainerCache.
#pragma once

#include "core/container_cache.h"
#include "plugin/plugin_api.h"

namespace libcontainer {

class ContainersTable {
 public:
  explicit ContainersTable(const ContainerCache& cache);
  ContainersTable(const ContainersTable&) = delete;
  ContainersTable& operator=(const ContainersTable&) = delete;

  // What plugin_init hands to the host's add_table.
  const ss_plugin_table_input& input() const { return input_; }

 private:
  const ContainerCache& cache_;
  ss_plugin_table_reader_vtable_ext reader_ext_{};
  ss_plugin_table_writer_vtable_ext writer_ext_{};
  ss_plugin_table_fields_vtable_ext fields_ext_{};
  ss_plugin_table_input input_{};
};

}  // namespace libcontainer
