// The engine API samples under tests/data/samples (LIBCONTAINER_SAMPLES_DIR),
// for decoder tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace libcontainer::engine_testing
