// The vector math of one instruction-set copy of the evaluator, from one
// portable source: xsimd (third_party/xsimd) batches of this copy's target,
// VLAB_XSIMD_ARCH (set by vm_<target>.cc; the scalar copy sets none and uses
// the C library one element at a time). Every `simd(fn)` / `simd2(fn)` line
// of opcodes.h is vmath::fn (xsimd's, or the lab's own where xsimd's is not
// accurate or fast enough: sin and cos in vm_trig.h, hypot here) over a
// block, the tail padded so that a value never depends on its position. Where xsimd departs from C99 / NumPy at the
// edges (atan2 and hypot of zeros and infinities, pow of non-positive bases, exp near float's overflow), Edges<op>
// names the inputs that go to the scalar kernel instead, after the vector pass. Part of vm_isa_copy.h.
#pragma once

#ifdef VLAB_XSIMD_ARCH
#include <xsimd/xsimd.hpp>

#include "vm_trig.h"
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
/**
 * The inputs of a unary op that its vector function gets wrong, found by a
 * vector compare on the input x and the vector result r (one compare and one
 * `any` per batch), recomputed with the scalar kernel. Ops not named have none.
 */
template <Op op>
struct VectorEdges {
  static constexpr bool any = false;
};
// sin, cos, tan: MinGW's C library (the scalar kernel, and the driver's reference there) is x87's beyond 1e5, where
// the vector reduction gives other values; there those go to the scalar kernel, one compare per batch.
// Near the zeros and poles (kπ/2) the reduction is accurate: third_party/xsimd/README.md's local change.
#if defined(__MINGW32__)
struct TrigEdges {
  static constexpr bool any = true;
  template <class V>
  static auto mask(const V& x, const V&) {
    using T = typename V::value_type;
    return !(xsimd::abs(x) < V(T(1e5)));
  }
};
template <>
struct VectorEdges<Op::SIN> : TrigEdges {};
template <>
struct VectorEdges<Op::COS> : TrigEdges {};
template <>
struct VectorEdges<Op::TAN> : TrigEdges {};
#endif
// log, log2, log10: xsimd's exponent extraction is wrong for subnormals (log2(4.9e-324) = -1077); x ≤ 0 too.
struct LogEdges {
  static constexpr bool any = true;
  template <class V>
  static auto mask(const V& x, const V&) {
    using T = typename V::value_type;
    return x < V(std::numeric_limits<T>::min());
  }
};
template <>
struct VectorEdges<Op::LOG> : LogEdges {};
template <>
struct VectorEdges<Op::LOG2> : LogEdges {};
template <>
struct VectorEdges<Op::LOG10> : LogEdges {};

/** One batch of op at o[0..W) from x; the lanes VectorEdges<op> names go through the scalar kernel. */
template <Op op, class T, class V, class F>
inline void batchUnary(F f, T* o, const V& x) {
  const V r = f(x);
  r.store_unaligned(o);
  if constexpr (VectorEdges<op>::any) {
    const auto m = VectorEdges<op>::mask(x, r);
    if (xsimd::any(m)) {
      constexpr int W = int(V::size);
      alignas(64) T flag[W], in[W];
      xsimd::select(m, V(T(1)), V(T(0))).store_aligned(flag);
      x.store_aligned(in);
      for (int j = 0; j < W; j++)
        if (flag[j] != T(0)) o[j] = scalar::Kernel<op>::template apply<T>(in[j], T(0), 0);
    }
  }
}

/** op over a block of n values with batches of W lanes; the tail goes through f too, padded with zeros. */
template <Op op, class T, class F>
inline void mapUnaryOp(F f, T* o, const T* a, int n) {
  using V = xsimd::batch<T, Arch>;
  constexpr int W = int(V::size);
  int i = 0;
  for (; i + W <= n; i += W) batchUnary<op, T>(f, o + i, V::load_unaligned(a + i));
  if (i < n) {
    alignas(64) T pad[W] = {}, out[W];
    std::memcpy(pad, a + i, size_t(n - i) * sizeof(T));
    batchUnary<op, T>(f, out, V::load_aligned(pad));
    std::memcpy(o + i, out, size_t(n - i) * sizeof(T));
  }
}

/** f over a block of n values, no edges (the yardstick's). */
template <class T, class F>
inline void mapUnary(F f, T* o, const T* a, int n) {
  mapUnaryOp<Op::LOAD, T>(f, o, a, n);
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
/** The vector math of opcodes.h's simd(fn) / simd2(fn) lines: xsimd's, but for sin, cos (vm_trig.h) and hypot. */
namespace vmath {
using xsimd::acos;
using xsimd::asin;
using xsimd::atan;
using xsimd::atan2;
using xsimd::cosh;
using xsimd::exp;
using xsimd::log;
using xsimd::log10;
using xsimd::log2;
using xsimd::pow;
using xsimd::sinh;
using xsimd::tan;
using xsimd::tanh;
template <class V>
inline V cos(const V& x) {
  return trig::sinOrCos<true>(x);
}
template <class V>
inline V sin(const V& x) {
  return trig::sinOrCos<false>(x);
}
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
struct Edges<Op::ATAN2> {  // zeros (signed results), subnormals (NEON), infinities, NaN
  template <class T>
  static bool scalar(T a, T b) {
    const T tiny = std::numeric_limits<T>::min();
    return std::fabs(a) < tiny || std::fabs(b) < tiny || !std::isfinite(a) || !std::isfinite(b);
  }
};
template <>
struct Edges<Op::HYPOT> {  // hypot(±Inf, NaN) = Inf; zeros and subnormals (NEON's min / m of those is NaN)
  template <class T>
  static bool scalar(T a, T b) {
    const T tiny = std::numeric_limits<T>::min();
    return !std::isfinite(a) || !std::isfinite(b) || (std::fabs(a) < tiny && std::fabs(b) < tiny);
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

/**
 * An input the output overwrites (the register allocator reuses a dead input's
 * register), copied into `keep` first: the edge pass reads the inputs after
 * the vector pass has written the output.
 */
template <class T>
inline const T* keptApart(const T* input, const T* o, T* keep, int n) {
  if (input != o) return input;
  std::memcpy(keep, input, sizeof(T) * size_t(n));
  return keep;
}

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
  alignas(64) T keepA[kBlock];
  if constexpr (op == Op::EXP && sizeof(T) == 4) a = keptApart(a, o, keepA, n);  // the one unary op with Edges
  mapUnaryOp<op, T>(vectorFn, o, a, n);
  scalarEdges<op, T>(o, a, nullptr, n);
#else
  for (int i = 0; i < n; i++) o[i] = scalarUnary<op, T>(a[i]);
#endif
}

template <Op op, class T, class F>
VLAB_NOINLINE void binaryMath([[maybe_unused]] F vectorFn, T* o, const T* a, const T* b, int n) {
#ifdef VLAB_XSIMD_ARCH
  alignas(64) T keepA[kBlock], keepB[kBlock];
  a = keptApart(a, o, keepA, n);
  b = keptApart(b, o, keepB, n);
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
