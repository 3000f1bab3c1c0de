// What every copy of the block evaluator shares: system headers (included
// here, before any per-file target pragma, so that the standard library is
// never compiled for an instruction set the CPU may lack), the scalar meaning
// of each opcode, and the entry points each instruction-set copy defines.
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

namespace vlab {

/**
 * The scalar meaning of each opcode, matching compute/core/primitives.ts'
 * scalarSemantics: NumPy's NaN-propagating minimum/maximum (not fmin/fmax),
 * C's pow (which already has pow(1, NaN) = 1 and pow(-1, ±Inf) = 1, as powIEEE).
 */
namespace scalar {
template <class T> inline T cos(T x) { return std::cos(x); }
template <class T> inline T sin(T x) { return std::sin(x); }
template <class T> inline T tan(T x) { return std::tan(x); }
template <class T> inline T exp(T x) { return std::exp(x); }
template <class T> inline T log(T x) { return std::log(x); }
template <class T> inline T tanh(T x) { return std::tanh(x); }
template <class T> inline T pow(T x, T y) { return std::pow(x, y); }
template <class T> inline T minimum(T a, T b) { return (a < b || a != a) ? a : b; }
template <class T> inline T maximum(T a, T b) { return (a > b || a != a) ? a : b; }
/** x ** y for an integer y, as the JS backend emits it: products up to |y| = 4, pow beyond. */
template <class T> inline T integerPow(T x, int32_t y) {
  const int k = y < 0 ? -y : y;
  if (k > 4) return std::pow(x, T(y));
  T p = k == 0 ? T(1) : x;
  for (int i = 1; i < k; i++) p = p * x;
  return y < 0 ? T(1) / p : p;
}

template <class T>
inline T apply(int32_t op, T a, T b, int32_t imm) {
  switch (op) {
    case OP_NEG: return -a;
    case OP_SQUARE: return a * a;
    case OP_COS: return cos(a);
    case OP_SIN: return sin(a);
    case OP_TAN: return tan(a);
    case OP_EXP: return exp(a);
    case OP_LOG: return log(a);
    case OP_SQRT: return std::sqrt(a);
    case OP_ABS: return std::fabs(a);
    case OP_TANH: return tanh(a);
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return a / b;
    case OP_POW: return pow(a, b);
    case OP_MIN: return minimum(a, b);
    case OP_MAX: return maximum(a, b);
    case OP_INTEGER_POW: return integerPow(a, imm);
    default: return std::numeric_limits<T>::quiet_NaN();
  }
}
}  // namespace scalar

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
  /** The hand-written lesson loop over rows [r0, r1) of an n×n grid. */
  void (*lessonRows)(void* out, const void* x, const void* y, DType, int64_t n, int64_t r0, int64_t r1);
};

#define VLAB_DECLARE_ISA(ns)                                                                 \
  namespace ns {                                                                             \
  bool evalRange(const Launch&, int64_t, int64_t, void*);                                     \
  void streamFill(void*, DType, int64_t, int64_t);                                            \
  void lessonRows(void*, const void*, const void*, DType, int64_t, int64_t, int64_t);         \
  }
VLAB_DECLARE_ISA(generic)
#if VLAB_X86 && defined(__GNUC__)
VLAB_DECLARE_ISA(avx2)
#endif
#undef VLAB_DECLARE_ISA

/** The best copy this CPU can run. */
const Kernels& kernels();

}  // namespace vlab
