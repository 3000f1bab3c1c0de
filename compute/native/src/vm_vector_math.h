// The vector math of one instruction-set copy of the evaluator, from one
// portable source: xsimd (third_party/xsimd) batches of this copy's target,
// VLAB_XSIMD_ARCH (set by vm_<target>.cc; the scalar copy sets none and uses
// the C library one element at a time). Every `simd(fn)` / `simd2(fn)` line
// of opcodes.h is vmath::fn (xsimd's, or this file's where xsimd's is not
// accurate enough) over a block, the tail padded so that a value never
// depends on its position. Where xsimd departs from C99 / NumPy at the edges
// (atan2 and hypot of zeros and infinities, pow of non-positive bases, exp
// near float's overflow), Edges<op> names the inputs that go to the scalar
// kernel instead, after the vector pass. Part of vm_isa_copy.h.
#pragma once

#ifdef VLAB_XSIMD_ARCH
#include <xsimd/xsimd.hpp>
#endif

namespace vlab {
namespace VLAB_ISA {

#ifdef VLAB_XSIMD_ARCH
using Arch = VLAB_XSIMD_ARCH;
using VecD = xsimd::batch<double, Arch>;
using VecF = xsimd::batch<float, Arch>;
constexpr int kLanesD = int(VecD::size), kLanesF = int(VecF::size);
#else
constexpr int kLanesD = 1, kLanesF = 1;
#endif
const int kLanesFloat32 = kLanesF, kLanesFloat64 = kLanesD;

/** The scalar kernel of `op` as a plain function, for the scalar copy and the fallbacks. */
template <Op op, class T>
inline T scalarUnary(T a) {
  return scalar::Kernel<op>::template apply<T>(a, T(0), 0);
}
template <Op op, class T>
inline T scalarBinary(T a, T b) {
  return scalar::Kernel<op>::template apply<T>(a, b, 0);
}

#ifdef VLAB_XSIMD_ARCH
/** f over a block of n values with batches of W lanes; the tail goes through f too, padded with zeros. */
template <class T, class F>
inline void mapUnary(F f, T* o, const T* a, int n) {
  using V = xsimd::batch<T, Arch>;
  constexpr int W = int(V::size);
  int i = 0;
  for (; i + W <= n; i += W) f(V::load_unaligned(a + i)).store_unaligned(o + i);
  if (i < n) {
    alignas(64) T pad[W] = {};
    std::memcpy(pad, a + i, size_t(n - i) * sizeof(T));
    f(V::load_aligned(pad)).store_aligned(pad);
    std::memcpy(o + i, pad, size_t(n - i) * sizeof(T));
  }
}

template <class T, class F>
inline void mapBinary(F f, T* o, const T* a, const T* b, int n) {
  using V = xsimd::batch<T, Arch>;
  constexpr int W = int(V::size);
  int i = 0;
  for (; i + W <= n; i += W) f(V::load_unaligned(a + i), V::load_unaligned(b + i)).store_unaligned(o + i);
  if (i < n) {
    alignas(64) T pa[W] = {}, pb[W] = {};
    std::memcpy(pa, a + i, size_t(n - i) * sizeof(T));
    std::memcpy(pb, b + i, size_t(n - i) * sizeof(T));
    f(V::load_aligned(pa), V::load_aligned(pb)).store_aligned(pa);
    std::memcpy(o + i, pa, size_t(n - i) * sizeof(T));
  }
}
#endif

#ifdef VLAB_XSIMD_ARCH
/** The vector math of opcodes.h's simd(fn) / simd2(fn) lines: xsimd's, but for hypot. */
namespace vmath {
using xsimd::acos;
using xsimd::asin;
using xsimd::atan;
using xsimd::atan2;
using xsimd::cos;
using xsimd::cosh;
using xsimd::exp;
using xsimd::log;
using xsimd::log10;
using xsimd::log2;
using xsimd::pow;
using xsimd::sin;
using xsimd::sinh;
using xsimd::tan;
using xsimd::tanh;
/** xsimd's hypot is sqrt(a² + b²), which overflows past 1e19 (float) and 1e154 (double); scaled here. */
template <class V>
inline V hypot(const V& a, const V& b) {
  const V x = xsimd::abs(a), y = xsimd::abs(b);
  const V m = xsimd::max(x, y), r = xsimd::min(x, y) / m;
  return m * xsimd::sqrt(V(1) + r * r);  // m = 0, Inf and NaN are Edges<HYPOT>'s
}
}  // namespace vmath
#endif

/**
 * The inputs of an op that its vector function gets wrong at the edges of its
 * domain, recomputed with the scalar kernel after the vector pass (rare
 * inputs: the pass costs a compare per element). Ops not named here have none.
 */
template <Op op>
struct Edges {
  template <class T>
  static bool scalar(T, T) {
    return false;
  }
};
template <>
struct Edges<Op::ATAN2> {  // zeros (signed results), infinities, NaN
  template <class T>
  static bool scalar(T a, T b) {
    return a == T(0) || b == T(0) || !std::isfinite(a) || !std::isfinite(b);
  }
};
template <>
struct Edges<Op::HYPOT> {  // hypot(±Inf, NaN) = Inf; zeros
  template <class T>
  static bool scalar(T a, T b) {
    return !std::isfinite(a) || !std::isfinite(b) || (a == T(0) && b == T(0));
  }
};
template <>
struct Edges<Op::POW> {  // non-positive or non-finite base, non-finite exponent (C99's table)
  template <class T>
  static bool scalar(T a, T b) {
    return !(a > T(0)) || !std::isfinite(a) || !std::isfinite(b);
  }
};
template <>
struct Edges<Op::EXP> {  // float: xsimd overflows from 88.38, short of float's 88.72
  template <class T>
  static bool scalar(T a, T) {
    return sizeof(T) == 4 && (a > T(88) || a < T(-87));
  }
};

template <Op op, class T>
inline void scalarEdges(T* o, const T* a, const T* b, int n) {
  for (int i = 0; i < n; i++)
    if (Edges<op>::scalar(a[i], b ? b[i] : T(0)))
      o[i] = scalar::Kernel<op>::template apply<T>(a[i], b ? b[i] : T(0), 0);
}

/** A vector function of this target over a batch (vmath::fn), as a callable the maps take; none on the scalar copy. */
#ifdef VLAB_XSIMD_ARCH
#define VLAB_SIMD_FN1(fn) [](const auto& v) { return vmath::fn(v); }
#define VLAB_SIMD_FN2(fn) [](const auto& v, const auto& w) { return vmath::fn(v, w); }
#else
#define VLAB_SIMD_FN1(fn) 0
#define VLAB_SIMD_FN2(fn) 0
#endif

/** A unary math kernel over a block: xsimd's vector function on this target, op's scalar kernel on the scalar copy. */
// The math kernels are calls of their own, once per block (as libmvec's were): inlined into vectorOp's switch,
// the polynomials of every opcode bloat it, and GCC's AVX-512 build of the pass ran slower.
template <Op op, class T, class F>
VLAB_NOINLINE void unaryMath([[maybe_unused]] F vectorFn, T* o, const T* a, int n) {
#ifdef VLAB_XSIMD_ARCH
  mapUnary<T>(vectorFn, o, a, n);
  scalarEdges<op, T>(o, a, nullptr, n);
#else
  for (int i = 0; i < n; i++) o[i] = scalarUnary<op, T>(a[i]);
#endif
}

template <Op op, class T, class F>
VLAB_NOINLINE void binaryMath([[maybe_unused]] F vectorFn, T* o, const T* a, const T* b, int n) {
#ifdef VLAB_XSIMD_ARCH
  if constexpr (op == Op::POW && sizeof(T) == 8) {
    // xsimd's pow is exp(b·log a), |b·log a| ulps off (5e-12 relative at 8^19): double pow stays the C library's.
    for (int i = 0; i < n; i++) o[i] = scalarBinary<op, T>(a[i], b[i]);
    return;
  } else if constexpr (op == Op::POW) {
    // float pow as exp(b·log a) in double, whose error is far below a float's ulp.
    alignas(64) double ad[kBlock], bd[kBlock], od[kBlock];
    for (int i = 0; i < n; i++) ad[i] = a[i], bd[i] = b[i];
    mapBinary<double>([](const VecD& x, const VecD& y) { return xsimd::exp(y * xsimd::log(x)); }, od, ad, bd, n);
    for (int i = 0; i < n; i++) o[i] = T(od[i]);
  } else {
    mapBinary<T>(vectorFn, o, a, b, n);
  }
  scalarEdges<op, T>(o, a, b, n);
#else
  for (int i = 0; i < n; i++) o[i] = scalarBinary<op, T>(a[i], b[i]);
#endif
}

}  // namespace VLAB_ISA
}  // namespace vlab
