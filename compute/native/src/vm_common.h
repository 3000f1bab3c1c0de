// What every copy of the block evaluator shares: system headers (included
// here, before any per-file target pragma, so that the standard library is
// never compiled for an instruction set the CPU may lack), the scalar meaning
// of each opcode (vm_scalar.h), and the entry points each instruction-set
// copy defines.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define VLAB_X86 1
#else
#define VLAB_X86 0
#endif

#include "program.h"
#include "vm_scalar.h"

namespace vlab {

/** Per-thread offsets of the current row, one per read. */
inline std::vector<int64_t>& threadBases(size_t reads) {
  static thread_local std::vector<int64_t> bases;
  if (bases.size() < reads) bases.resize(reads);
  return bases;
}

/** The entry points of one instruction-set copy of the evaluator. */
struct Kernels {
  const char* isa;
  /** Evaluates output elements [begin, end); false when cancelled part-way. */
  bool (*evalRange)(const Launch&, int64_t begin, int64_t end, void* scratch);
  /** Writes zeros to elements [begin, end) with streaming (non-temporal) stores. */
  void (*streamFill)(void* out, DType, int64_t begin, int64_t end);
  /** The hand-written lesson loop over rows [r0, r1) of a grid whose rows hold n points (ny). */
  void (*lessonRows)(void* out, const void* x, const void* y, DType, int64_t n, int64_t r0, int64_t r1);
  /** The hand-written fused max of the lesson's f over rows [r0, r1) (the fused map-reduce's yardstick). */
  double (*lessonMax)(const void* x, const void* y, DType, int64_t n, int64_t r0, int64_t r1);
};

#define VLAB_DECLARE_ISA(ns)                                                                 \
  namespace ns {                                                                             \
  bool evalRange(const Launch&, int64_t, int64_t, void*);                                     \
  void streamFill(void*, DType, int64_t, int64_t);                                            \
  void lessonRows(void*, const void*, const void*, DType, int64_t, int64_t, int64_t);         \
  double lessonMax(const void*, const void*, DType, int64_t, int64_t, int64_t);              \
  }
VLAB_DECLARE_ISA(generic)
#if VLAB_X86 && defined(__GNUC__)
VLAB_DECLARE_ISA(avx2)
VLAB_DECLARE_ISA(avx512)
#endif
#undef VLAB_DECLARE_ISA

/** The best copy this CPU can run. */
const Kernels& kernels();

}  // namespace vlab
