// How a run's elements (or a grid's rows) are cut into parts for the pool:
// contiguous, as even as integers allow, and, by default, enough parts to
// balance the threads without paying each part's prologue too often. Plain
// arithmetic: no Node-API, no threads.
#pragma once

#include <algorithm>
#include <cstdint>

#include "program.h"

namespace vlab {

/** Where part k of `parts` starts over [0, size): the first size % parts parts hold one element more. */
inline int64_t partStart(int64_t size, int64_t parts, int64_t k) {
  return (size / parts) * k + std::min(k, size % parts);
}

/**
 * Default split: enough parts to balance the threads, each at least a few
 * blocks; one part on one thread (each part pays the row cache's prologue,
 * and cancellation and progress do not need parts: they go block by block).
 */
inline int defaultParts(int64_t size, int workers) {
  if (workers == 1) return 1;
  const int64_t byWork = (size + 16 * kBlock - 1) / (16 * kBlock);
  const int64_t parts = std::min<int64_t>(std::max<int64_t>(byWork, 1), int64_t(workers) * 8);
  return int(parts);
}

}  // namespace vlab
