// The scalar meaning of each opcode, generated from opcodes.h's VLAB_SCALAR
// lines: one Kernel<Op> specialization per line, and scalar::apply, a switch
// over the opcode enum with no default arm (under -Werror=switch an opcode
// without a VLAB_SCALAR line does not compile). The evaluator uses it for
// loop-invariant (hoisted) work, the `elementwise` block kernels are it in a
// loop, and every vector kernel must give its values. Instruction-set
// independent: included by vm_common.h, before any target pragma.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

#include "program.h"

namespace vlab {

/**
 * The scalar meaning of each opcode: opcodes.h's VLAB_SCALAR lines, matching
 * compute/core/primitives.ts' scalarSemantics. Every vector kernel must give
 * these values.
 */
namespace scalar {
/** x ** y for an integer y, as the JS backend emits it: products up to |y| = 4, pow beyond. */
template <class T>
inline T integerPow(T x, int32_t y) {
  const int k = y < 0 ? -y : y;
  if (k > 4) return std::pow(x, T(y));
  T p = k == 0 ? T(1) : x;
  for (int i = 1; i < k; i++) p = p * x;
  return y < 0 ? T(1) / p : p;
}

enum class Trig { Sin, Cos, Tan };

/**
 * sin, cos or tan as the C library's; but MinGW's double ones are x87's fsin
 * and fcos, which reduce by a 66-bit pi (cos(π/2) is 1e11 ULP off, sin(710)
 * 135): there |a| in (π/4, 1e5] is reduced by π/2 in long double first (three
 * parts of 40, 40 and 64 bits: k·P1 and k·P2 are exact), and x87 is accurate
 * within π/4.
 */
template <Trig f, class T>
inline T trig(T a) {
#if defined(__MINGW32__) && LDBL_MANT_DIG > DBL_MANT_DIG
  if (sizeof(T) == 8 && std::fabs(a) > T(0.78) && std::fabs(a) <= T(1e5)) {
    const long double p1 = 0xc90fdaa221000000p-63L, p2 = 0xd18469898d000000p-104L, p3 = -0xeba3f91f1976b7eep-146L;
    const long double x = a, k = std::nearbyint(x * 0xa2f9836e4e44152ap-64L);
    const long double r = ((x - k * p1) - k * p2) - k * p3, s = std::sin(r), c = std::cos(r);
    const int q = int(int64_t(k) & 3);
    const long double sinx = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
    const long double cosx = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s;
    return T(f == Trig::Sin ? sinx : f == Trig::Cos ? cosx : sinx / cosx);
  }
#endif
  return f == Trig::Sin ? std::sin(a) : f == Trig::Cos ? std::cos(a) : std::tan(a);
}

/** np.mod, as numpy's npy_remainder: fmod, moved into the divisor's sign; a zero result takes the divisor's sign. */
template <class T>
inline T numpyMod(T a, T b) {
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
template <Op op>
struct Kernel;
#define VLAB_OPCODE(...)
#define VLAB_VECTOR(...)
#define VLAB_SCALAR(NAME, ...)                                                       \
  template <>                                                                        \
  struct Kernel<Op::NAME> {                                                          \
    template <class T>                                                               \
    static inline T apply(T a, [[maybe_unused]] T b, [[maybe_unused]] int32_t imm) { \
      return (__VA_ARGS__);                                                          \
    }                                                                                \
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

}  // namespace vlab
