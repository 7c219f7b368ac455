// The test host's `threads` table in-process, handed to the plugin's parts
// the way plugin_init hands it over, so they can be tested without the .so.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engines/container_engine.h"
#include "host/thread_specs.h"
#include "host/thread_table.h"
#include "plugin/plugin_api.h"
#include "plugin/thread_table.h"

namespace libcontainer::testing {

using testhost::kDockerId;
inline constexpr const char* kDockerShortId = "eba371cc398f";

class TestTables : public testhost::ErrorSink {
 public:
  TestTables() {
    auto* vt = testhost::TableVtables();
    tables_.get_table = [](ss_plugin_owner_t* owner, const char* name,
                           ss_plugin_state_type) -> ss_plugin_table_t* {
      auto* self = static_cast<TestTables*>(owner);
      if (std::strcmp(name, "threads") != 0) return nullptr;
      return static_cast<testhost::HostTable*>(&self->threads_);
    };
    tables_.fields = vt->fields;
    tables_.fields_ext = &vt->fields_ext;
    tables_.reader_ext = &vt->reader_ext;
    tables_.writer_ext = &vt->writer_ext;
    ss_plugin_init_input input{};
    input.owner = this;
    input.tables = &tables_;
    table_ = std::make_unique<ThreadTable>(input);
  }

  void SetOwnerError(std::string message) override { last_error_ = std::move(message); }

  const ThreadTable& table() const { return *table_; }
  testhost::ThreadsTable& host() { return threads_; }
  const ThreadTable::Reader& reader() const { return testhost::TableVtables()->reader_ext; }
  const ThreadTable::Writer& writer() const { return testhost::TableVtables()->writer_ext; }

  std::string ContainerId(int64_t tid) const {
    auto value = threads_.DynamicValue(tid, "container_id", SS_PLUGIN_ST_STRING);
    return value ? value->str : "<unset>";
  }
  uint16_t Category(int64_t tid) const {
    auto value = threads_.DynamicValue(tid, "category", SS_PLUGIN_ST_UINT16);
    return value ? value->scalar.u16 : 0xffff;
  }

 private:
  bool strict_strings_ = true;
  testhost::ThreadsTable threads_{this, &strict_strings_};
  ss_plugin_init_tables_input tables_{};
  std::unique_ptr<ThreadTable> table_;
  std::string last_error_;
};

using testhost::DockerThread;
using testhost::HostThread;

// An engine that records what it is asked and reports the stats it is given.
class FakeEngine : public ContainerEngine {
 public:
  explicit FakeEngine(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  void Start(ContainerSink&) override { ++starts; }
  void Stop() override {
    ++stops;
    if (on_stop) on_stop();
  }
  void RequestLookup(std::string_view id) override { lookups.emplace_back(id); }
  Stats stats() const override {
    ++stats_calls;
    return stats_to_report;
  }
  bool WaitForInitialList(std::chrono::milliseconds) override { return true; }

  int starts = 0;
  int stops = 0;
  // Outlives the engine, for tests that destroy it.
  std::function<void()> on_stop;
  std::vector<std::string> lookups;
  Stats stats_to_report;
  mutable int stats_calls = 0;

 private:
  std::string name_;
};

}  // namespace libcontainer::testing
