// The test driver's reference: each opcode's meaning computed in a wider type
// (long double for float64, double for float32), written here independently
// of opcodes.h's VLAB_SCALAR lines, so that a kernel is never checked against
// itself. The switch has no default arm: under -Werror=switch an opcode
// without a reference does not compile, so the driver cannot skip one.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

#include "program.h"

namespace vlab::test {

/** How an opcode is held to its reference. */
enum class Accuracy {
  Exact,  // IEEE-exact (correctly rounded, or no rounding at all): the sign of a zero result is pinned too
  Math,   // a math function: within kMathUlp of the wider reference
};

constexpr double kMathUlp = 4.0;

/**
 * Whether the platform's long double math functions are a reference for
 * float64: glibc's are (x86's 64-bit and aarch64's 113-bit long double);
 * MinGW's x87 ones are not (its tanl reduces by a 66-bit pi: tan(π/2) is off
 * by 1e11 ULP), and MSVC's and Apple's long double is double. Elsewhere the
 * float64 math functions are held to the platform's double libm: the paths,
 * NaN, infinities and edges are checked, the last bits are not.
 */
#if defined(__GLIBC__) && LDBL_MANT_DIG > DBL_MANT_DIG
constexpr bool kWideMath = true;
#else
constexpr bool kWideMath = false;
#endif

inline Accuracy accuracyOf(Op op) {
  switch (op) {
    case Op::NEG:
    case Op::SQUARE:
    case Op::SQRT:
    case Op::ABS:
    case Op::ADD:
    case Op::SUB:
    case Op::MUL:
    case Op::DIV:
    case Op::MIN:
    case Op::MAX:
    case Op::FLOOR:
    case Op::CEIL:
    case Op::SIGN:
    case Op::MOD:
      return Accuracy::Exact;
    case Op::LOAD:
    case Op::CONST:
    case Op::COS:
    case Op::SIN:
    case Op::TAN:
    case Op::EXP:
    case Op::LOG:
    case Op::TANH:
    case Op::POW:
    case Op::INTEGER_POW:
    case Op::ATAN:
    case Op::ATAN2:
    case Op::ASIN:
    case Op::ACOS:
    case Op::SINH:
    case Op::COSH:
    case Op::HYPOT:
    case Op::LOG2:
    case Op::LOG10:
      return Accuracy::Math;
  }
  return Accuracy::Math;
}

/** np.mod (numpy's npy_remainder): the remainder takes the divisor's sign; a zero remainder is a zero of that sign. */
template <class R>
R numpyRemainder(R a, R b) {
  if (std::isnan(a) || std::isnan(b) || b == R(0) || std::isinf(a)) return std::numeric_limits<R>::quiet_NaN();
  R mod = std::fmod(a, b);
  if (mod == R(0)) return std::copysign(R(0), b);
  return (b < R(0)) != (mod < R(0)) ? mod + b : mod;
}

/** x ** y for an integer y by repeated squaring in R: no libm, so the same reference on every platform. */
template <class R>
R power(R x, int32_t y) {
  R result = 1, square = x;
  for (uint32_t k = uint32_t(y < 0 ? -int64_t(y) : y); k; k >>= 1, square *= square)
    if (k & 1) result *= square;
  return y < 0 ? R(1) / result : result;
}

/** The reference value of op(a, b) (imm: integer_pow's exponent), computed in R. */
template <class R>
R referenceIn(Op op, R a, R b, int32_t imm) {
  const R nan = std::numeric_limits<R>::quiet_NaN();
  switch (op) {
    case Op::LOAD:
    case Op::CONST:
      return nan;
    case Op::NEG:
      return -a;
    case Op::SQUARE:
      return a * a;
    case Op::COS:
      return std::cos(a);
    case Op::SIN:
      return std::sin(a);
    case Op::TAN:
      return std::tan(a);
    case Op::EXP:
      return std::exp(a);
    case Op::LOG:
      return std::log(a);
    case Op::SQRT:
      return std::sqrt(a);
    case Op::ABS:
      return std::fabs(a);
    case Op::TANH:
      return std::tanh(a);
    case Op::ADD:
      return a + b;
    case Op::SUB:
      return a - b;
    case Op::MUL:
      return a * b;
    case Op::DIV:
      return a / b;
    case Op::POW:
      return std::pow(a, b);
    // NumPy's minimum/maximum: NaN wins, and of two equal values (±0) the second.
    case Op::MIN:
      return std::isnan(a) ? a : std::isnan(b) ? b : a < b ? a : b;
    case Op::MAX:
      return std::isnan(a) ? a : std::isnan(b) ? b : a > b ? a : b;
    case Op::INTEGER_POW:
      return power(a, imm);
    case Op::ATAN:
      return std::atan(a);
    case Op::ATAN2:
      return std::atan2(a, b);
    case Op::ASIN:
      return std::asin(a);
    case Op::ACOS:
      return std::acos(a);
    case Op::SINH:
      return std::sinh(a);
    case Op::COSH:
      return std::cosh(a);
    case Op::HYPOT:
      return std::hypot(a, b);
    case Op::FLOOR:
      return std::floor(a);
    case Op::CEIL:
      return std::ceil(a);
    case Op::SIGN:
      return std::isnan(a) ? a : a > R(0) ? R(1) : a < R(0) ? R(-1) : R(0);
    case Op::MOD:
      return numpyRemainder(a, b);
    case Op::LOG2:
      return std::log2(a);
    case Op::LOG10:
      return std::log10(a);
  }
  return nan;
}

/**
 * Whether sin, cos and tan of float64 are referenced by a long double reduction
 * here: MinGW's x87 long double (wider than double, not glibc's), whose double
 * sin is x87's fsin with its 66-bit pi (sin(710) is 135 ULP off) but whose
 * sinl and cosl are accurate within π/4.
 */
constexpr bool kReduceTrig = !kWideMath && LDBL_MANT_DIG > DBL_MANT_DIG;

/** sin, cos or tan of |x| ≤ 1e5 by a three-part π/2 (40 + 40 + 64 bits: k·P1 and k·P2 exact) and sinl, cosl. */
inline long double reducedTrig(Op op, long double x) {
  const long double p1 = 0xc90fdaa221000000p-63L, p2 = 0xd18469898d000000p-104L, p3 = -0xeba3f91f1976b7eep-146L;
  const long double k = std::nearbyint(x * 0xa2f9836e4e44152ap-64L);
  const long double r = ((x - k * p1) - k * p2) - k * p3;
  const long double s = std::sin(r), c = std::cos(r);
  const int q = int(int64_t(k) & 3);
  const long double sinx = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
  const long double cosx = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s;
  return op == Op::SIN ? sinx : op == Op::COS ? cosx : sinx / cosx;
}

/** The reference in R, or, for a math function in long double where kWideMath is false, in double. */
template <class R>
R reference(Op op, R a, R b, int32_t imm) {
  // integer_pow is products up to |y| = 4 (exact in R) and the math function pow beyond.
  const bool libm = accuracyOf(op) == Accuracy::Math && (op != Op::INTEGER_POW || imm > 4 || imm < -4);
  const bool trig = op == Op::SIN || op == Op::COS || op == Op::TAN;
  if (sizeof(R) > sizeof(double) && kReduceTrig && trig && std::fabs(a) > R(0.78) && std::fabs(a) <= R(1e5))
    return R(reducedTrig(op, (long double)a));
  if (sizeof(R) > sizeof(double) && !kWideMath && libm) {
    if (op == Op::INTEGER_POW) return R(std::pow(double(a), double(imm)));
    return R(referenceIn<double>(op, double(a), double(b), imm));
  }
  return referenceIn<R>(op, a, b, imm);
}

/** A unit in the last place of `x` as T holds it (the smallest subnormal below the normal range). */
template <class T>
T ulpOf(T x) {
  const T mag = std::fabs(x);
  if (mag < std::numeric_limits<T>::min()) return std::numeric_limits<T>::denorm_min();
  return std::ldexp(T(1), std::ilogb(mag) - (std::numeric_limits<T>::digits - 1));
}

/** How far `got` is from the reference: ULPs of T, or infinity where NaN, an infinity or a zero's sign disagree. */
template <class T, class R>
double errorUlp(T got, R ref, Accuracy accuracy) {
  const double never = std::numeric_limits<double>::infinity();
  if (std::isnan(ref)) return std::isnan(got) ? 0 : never;
  const T refT = T(ref);
  if (std::isinf(refT)) return got == refT ? 0 : never;
  if (!std::isfinite(got)) return never;
  if (accuracy == Accuracy::Exact && refT == T(0) && std::signbit(got) != std::signbit(ref)) return never;
  // Math functions may flush a subnormal result to zero (or keep a few more bits of it): both are below T's normal
  // range.
  const T tiny = std::numeric_limits<T>::min();
  if (accuracy == Accuracy::Math && std::fabs(refT) < tiny && std::fabs(got) < tiny) return 0;
  return double(std::fabs(R(got) - ref) / R(ulpOf(refT)));
}

/** The most error an opcode may show: half an ULP (plus the reference's own rounding) for exact ones. */
inline double toleranceUlp(Accuracy accuracy) { return accuracy == Accuracy::Exact ? 0.5 + 1e-3 : kMathUlp; }

}  // namespace vlab::test
