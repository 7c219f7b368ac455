// The engine API samples under tests/data/samples (LIBCONTAINER_SAMPLES_DIR)
// and unique socket paths, for decoder, client and watcher tests.
#pragma once

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engines/proto_json.h"

namespace libcontainer::engine_testing {

inline std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(LIBCONTAINER_SAMPLES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// One entry per line, e.g. of a .jsonl event stream.
inline std::vector<std::string> ReadSampleLines(const std::string& name) {
  std::istringstream in(ReadSample(name));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A protobuf sample: the CRI probe's MessageToJson output (proto field names).
template <typename Message>
Message ReadSampleMessage(const std::string& name) {
  Message m;
  auto status = google::protobuf::util::JsonStringToMessage(AsOurProtoJson<Message>(ReadSample(name)), &m);
  EXPECT_TRUE(status.ok()) << name << ": " << status.ToString();
  return m;
}

// A socket path no other test (or test program) uses, for in-process fake servers.
inline std::string UniqueSocketPath(const std::string& tag) {
  static std::atomic<int> n{0};
  return "/tmp/libcontainer-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".sock";
}

}  // namespace libcontainer::engine_testing
