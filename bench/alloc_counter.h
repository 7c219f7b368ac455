// Counts heap allocations made by this process, so benchmarks can report
// allocations per iteration of a path that must not allocate.
#pragma once

#include <atomic>
#include <cstdint>

extern std::atomic<uint64_t> g_allocations;
