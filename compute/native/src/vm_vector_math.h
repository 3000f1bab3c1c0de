// The vector math of one instruction-set copy of the evaluator, from one
// portable source: xsimd (third_party/xsimd) batches of this copy's target,
// VLAB_XSIMD_ARCH (set by vm_<target>.cc; the scalar copy sets none and uses
// the C library one element at a time). Every `simd(fn)` / `simd2(fn)` line
// of opcodes.h is xsimd::fn over a block, the tail padded so that a value
// never depends on its position. Part of vm_isa_copy.h.
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

/** xsimd's fn over a batch (the vector copies), as a callable the maps above take; nothing on the scalar copy. */
#ifdef VLAB_XSIMD_ARCH
#define VLAB_SIMD_FN1(fn) [](const auto& v) { return xsimd::fn(v); }
#define VLAB_SIMD_FN2(fn) [](const auto& v, const auto& w) { return xsimd::fn(v, w); }
#else
#define VLAB_SIMD_FN1(fn) 0
#define VLAB_SIMD_FN2(fn) 0
#endif

/** A unary math kernel over a block: xsimd's vector function on this target, op's scalar kernel on the scalar copy. */
template <Op op, class T, class F>
inline void unaryMath([[maybe_unused]] F vectorFn, T* o, const T* a, int n) {
#ifdef VLAB_XSIMD_ARCH
  mapUnary<T>(vectorFn, o, a, n);
#else
  for (int i = 0; i < n; i++) o[i] = scalarUnary<op, T>(a[i]);
#endif
}

template <Op op, class T, class F>
inline void binaryMath([[maybe_unused]] F vectorFn, T* o, const T* a, const T* b, int n) {
#ifdef VLAB_XSIMD_ARCH
  mapBinary<T>(vectorFn, o, a, b, n);
#else
  for (int i = 0; i < n; i++) o[i] = scalarBinary<op, T>(a[i], b[i]);
#endif
}

}  // namespace VLAB_ISA
}  // namespace vlab
