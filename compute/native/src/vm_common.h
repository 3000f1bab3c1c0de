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
 * The scalar meaning of each opcode: opcodes.h's VLAB_SCALAR lines, matching
 * compute/core/primitives.ts' scalarSemantics. Every vector kernel must give
 * these values.
 */
namespace scalar {
/** x ** y for an integer y, as the JS backend emits it: products up to |y| = 4, pow beyond. */
template <class T> inline T integerPow(T x, int32_t y) {
  const int k = y < 0 ? -y : y;
  if (k > 4) return std::pow(x, T(y));
  T p = k == 0 ? T(1) : x;
  for (int i = 1; i < k; i++) p = p * x;
  return y < 0 ? T(1) / p : p;
}

/** np.mod, as numpy's npy_remainder: fmod, moved into the divisor's sign; a zero result takes the divisor's sign. */
template <class T> inline T numpyMod(T a, T b) {
  T mod = std::fmod(a, b);
  if (!b) return mod;  // NaN, as fmod gives for a zero divisor
  if (mod) {
    if ((b < T(0)) != (mod < T(0))) mod += b;
  } else {
    mod = std::copysign(T(0), b);
  }
  return mod;
}

/** The scalar kernel of one opcode, a specialization per VLAB_SCALAR line. */
template <Op op> struct Kernel;
#define VLAB_OPCODE(...)
#define VLAB_VECTOR(...)
#define VLAB_SCALAR(NAME, ...)                                                                   \
  template <> struct Kernel<Op::NAME> {                                                          \
    template <class T> static inline T apply(T a, [[maybe_unused]] T b, [[maybe_unused]] int32_t imm) { \
      return (__VA_ARGS__);                                                                      \
    }                                                                                            \
  };
#include "opcodes.h"
#undef VLAB_SCALAR

/** Scalar dispatch, one case per VLAB_SCALAR line: an opcode without one fails -Werror=switch. */
template <class T>
inline T apply(Op op, T a, T b, int32_t imm) {
  switch (op) {
    case Op::LOAD:
    case Op::CONST:
      break;  // data movement: the evaluator reads these itself
#define VLAB_SCALAR(NAME, ...) \
  case Op::NAME:               \
    return Kernel<Op::NAME>::apply<T>(a, b, imm);
#include "opcodes.h"
#undef VLAB_SCALAR
  }
  return std::numeric_limits<T>::quiet_NaN();
}
#undef VLAB_OPCODE
#undef VLAB_VECTOR
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
  /** The hand-written lesson loop over rows [r0, r1) of a grid whose rows hold n points (ny). */
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
VLAB_DECLARE_ISA(avx512)
#endif
#undef VLAB_DECLARE_ISA

/** The best copy this CPU can run. */
const Kernels& kernels();

}  // namespace vlab
