// The lab's own vector sin and cos, for the cos of the lecture's formula and
// every sin/cos in a user's: xsimd 8.1's run at half the speed of glibc's
// libmvec (two reductions and two polynomials, blended per lane). Here one
// reduction by π to r in [-π/2, π/2] and one odd polynomial serve both:
//   sin x = (-1)^k sin(x - kπ),            k = round(x/π)
//   cos x = (-1)^k sin(|x| - (k - ½)π),    k = round(|x|/π + ½)
// π is split into parts whose products with k are exact (k has at most 16
// bits below kTrigMax), so r carries no cancellation error on any target,
// with or without FMA. Beyond kTrigMax, and for Inf and NaN, a batch takes
// xsimd's functions, whose reduction reaches further. The polynomials are
// minimax fits of sin on [0, π/2] (relative error 2.8e-19 in double, 6.1e-9
// in float, Remez in mpmath), within 2.3 ULP of a long-double reference in all
// (vm_driver's sweeps). Part of vm_vector_math.h.
#pragma once

#include <cstdint>

namespace vlab {
namespace VLAB_ISA {
namespace trig {

template <class T>
struct Constants;

template <>
struct Constants<double> {
  using Bits = uint64_t;
  static constexpr double kMax = 1e5;         // |k| < 2^15: k·kPi[0] is exact with 32-bit parts
  static constexpr double kShift = 0x1.8p52;  // x + kShift rounds x to an integer held in the low mantissa bits
  static constexpr double kInvPi = 0x1.45f306dc9c883p-2;
  static constexpr double kPi[] = {0x1.921fb544p+1, 0x1.0b4611a6p-33, 0x1.3198a2ep-68, 0x1.b839a252049c1p-103};
  static constexpr double kPoly[] = {-0x1.5555555555555p-3,  0x1.11111111110c1p-7,   -0x1.a01a01a0148bcp-13,
                                     0x1.71de3a5287c6bp-19,  -0x1.ae6454cb57135p-26, 0x1.6123cb28f852cp-33,
                                     -0x1.ae431d9641bc5p-41, 0x1.8829a2c3f5539p-49};
};

template <>
struct Constants<float> {
  using Bits = uint32_t;
  static constexpr float kMax = 6000.0f;  // |k| < 2^11: k·kPi[0] is exact with 12-bit parts
  static constexpr float kShift = 0x1.8p23f;
  static constexpr float kInvPi = 0x1.45f306p-2f;
  static constexpr float kPi[] = {0x1.922p+1f, -0x1.2aep-17f, -0x1.deap-30f, 0x1.184p-43f, 0x1.a62634p-57f};
  static constexpr float kPoly[] = {-0x1.55554cp-3f, 0x1.110ed4p-7f, -0x1.9f6ffep-13f, 0x1.5dbdf0p-19f};
};

/** sin (cosine = false) or cos of every lane of x. */
template <bool cosine, class V>
inline V sinOrCos(const V& x) {
  using T = typename V::value_type;
  using C = Constants<T>;
  using Bits = xsimd::batch<typename C::Bits, typename V::arch_type>;
  const V a = cosine ? xsimd::abs(x) : x;
  const V shifted = xsimd::fma(a, V(C::kInvPi), V(cosine ? T(0.5) : T(0))) + V(C::kShift);
  const V k = shifted - V(C::kShift);
  const V n = cosine ? k - V(T(0.5)) : k;
  V r = a;
  for (T part : C::kPi) r = xsimd::fnma(n, V(part), r);
  const V r2 = r * r;
  constexpr int kTerms = int(sizeof(C::kPoly) / sizeof(T));
  V p(C::kPoly[kTerms - 1]);
  for (int i = kTerms - 2; i >= 0; i--) p = xsimd::fma(p, r2, V(C::kPoly[i]));
  const V sinR = xsimd::fma(r * r2, p, r);
  // (-1)^k: k's parity is the lowest mantissa bit of `shifted`, moved to the sign bit.
  const V sign = xsimd::bitwise_cast<V>(xsimd::bitwise_cast<Bits>(shifted) << int(8 * sizeof(T) - 1));
  const V y = sinR ^ sign;
  const auto far = !(xsimd::abs(x) <= V(C::kMax));  // NaN too
  if (xsimd::any(far)) return xsimd::select(far, cosine ? xsimd::cos(x) : xsimd::sin(x), y);
  return y;
}

}  // namespace trig
}  // namespace VLAB_ISA
}  // namespace vlab
