// glibc's vector math (libmvec) for one instruction-set copy of the
// evaluator: the vector types and lane counts of this ISA, a weak declaration
// of the vector function of every libmvec(fn) / libmvec2(fn) line of
// opcodes.h, and the loops that map one over a block (the tail padded, so a
// value never depends on its position), falling back to the opcode's scalar
// kernel where this glibc or this ISA has no vector function. GCC never calls
// libmvec on its own without -ffast-math, which would break NaN/Inf semantics.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

#if VLAB_ISA_LEVEL == 3
using VecD = __m512d;
using VecF = __m512;
constexpr int kLanesD = 8, kLanesF = 16;
#define VLAB_MVEC_D(name) _ZGVeN8v_##name
#define VLAB_MVEC_F(name) _ZGVeN16v_##name##f
#define VLAB_MVEC_D2(name) _ZGVeN8vv_##name
#define VLAB_MVEC_F2(name) _ZGVeN16vv_##name##f
#elif VLAB_ISA_LEVEL == 2
using VecD = __m256d;
using VecF = __m256;
constexpr int kLanesD = 4, kLanesF = 8;
#define VLAB_MVEC_D(name) _ZGVdN4v_##name
#define VLAB_MVEC_F(name) _ZGVdN8v_##name##f
#define VLAB_MVEC_D2(name) _ZGVdN4vv_##name
#define VLAB_MVEC_F2(name) _ZGVdN8vv_##name##f
#elif VLAB_ISA_LEVEL == 1
using VecD = __m128d;
using VecF = __m128;
constexpr int kLanesD = 2, kLanesF = 4;
#define VLAB_MVEC_D(name) _ZGVbN2v_##name
#define VLAB_MVEC_F(name) _ZGVbN4v_##name##f
#define VLAB_MVEC_D2(name) _ZGVbN2vv_##name
#define VLAB_MVEC_F2(name) _ZGVbN4vv_##name##f
#else
using VecD = double;  // no vector math: every math kernel is its scalar loop
using VecF = float;
constexpr int kLanesD = 1, kLanesF = 1;
#endif

#if VLAB_ISA_LEVEL >= 1
// glibc's vector function of every libmvec(fn) / libmvec2(fn) line of
// opcodes.h, for this ISA's widths. Weak, so that a glibc without some of
// them (tan, atan, … came in 2.35) still loads and falls back to the scalar
// kernel; libmvec.cc keeps the library linked.
extern "C" {
#define VLAB_OPCODE(...)
#define VLAB_SCALAR(...)
#define VLAB_VECTOR(NAME, ...) VLAB_DECLARE_##__VA_ARGS__
#define VLAB_DECLARE_elementwise
#define VLAB_DECLARE_integerPow
#define VLAB_DECLARE_libmvec(fn)                                  \
  __attribute__((weak)) VecD VLAB_MVEC_D(fn)(VecD) noexcept;      \
  __attribute__((weak)) VecF VLAB_MVEC_F(fn)(VecF) noexcept;
#define VLAB_DECLARE_libmvec2(fn)                                 \
  __attribute__((weak)) VecD VLAB_MVEC_D2(fn)(VecD, VecD) noexcept; \
  __attribute__((weak)) VecF VLAB_MVEC_F2(fn)(VecF, VecF) noexcept;
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
#undef VLAB_DECLARE_elementwise
#undef VLAB_DECLARE_integerPow
#undef VLAB_DECLARE_libmvec
#undef VLAB_DECLARE_libmvec2
}
#endif

template <class T, class V, int W>
inline void mapUnary(V (*vf)(V) noexcept, T (*sf)(T), T* o, const T* a, int n) {
  if (vf == nullptr) {
    for (int i = 0; i < n; i++) o[i] = sf(a[i]);
    return;
  }
  int i = 0;
  V v;
  for (; i + W <= n; i += W) {
    std::memcpy(&v, a + i, sizeof v);
    v = vf(v);
    std::memcpy(o + i, &v, sizeof v);
  }
  if (i < n) {  // the tail goes through the same vector function, padded, so a value never depends on its position
    T pad[W] = {};
    std::memcpy(pad, a + i, size_t(n - i) * sizeof(T));
    std::memcpy(&v, pad, sizeof v);
    v = vf(v);
    std::memcpy(pad, &v, sizeof v);
    std::memcpy(o + i, pad, size_t(n - i) * sizeof(T));
  }
}

template <class T, class V, int W>
inline void mapBinary(V (*vf)(V, V) noexcept, T (*sf)(T, T), T* o, const T* a, const T* b, int n) {
  if (vf == nullptr) {
    for (int i = 0; i < n; i++) o[i] = sf(a[i], b[i]);
    return;
  }
  int i = 0;
  V va, vb;
  for (; i + W <= n; i += W) {
    std::memcpy(&va, a + i, sizeof va);
    std::memcpy(&vb, b + i, sizeof vb);
    va = vf(va, vb);
    std::memcpy(o + i, &va, sizeof va);
  }
  if (i < n) {
    T pa[W] = {}, pb[W] = {};
    std::memcpy(pa, a + i, size_t(n - i) * sizeof(T));
    std::memcpy(pb, b + i, size_t(n - i) * sizeof(T));
    std::memcpy(&va, pa, sizeof va);
    std::memcpy(&vb, pb, sizeof vb);
    va = vf(va, vb);
    std::memcpy(pa, &va, sizeof va);
    std::memcpy(o + i, pa, size_t(n - i) * sizeof(T));
  }
}

/** The scalar kernel of `op` as a plain function, for the loops and fallbacks below. */
template <Op op, class T> inline T scalarUnary(T a) { return scalar::Kernel<op>::template apply<T>(a, T(0), 0); }
template <Op op, class T> inline T scalarBinary(T a, T b) { return scalar::Kernel<op>::template apply<T>(a, b, 0); }

using MathD1 = VecD (*)(VecD) noexcept;
using MathF1 = VecF (*)(VecF) noexcept;
using MathD2 = VecD (*)(VecD, VecD) noexcept;
using MathF2 = VecF (*)(VecF, VecF) noexcept;
#if VLAB_ISA_LEVEL >= 1
/** glibc's vector functions of fn (double and float), or null where this ISA copy has none. */
#define VLAB_MATH1(fn) &VLAB_MVEC_D(fn), &VLAB_MVEC_F(fn)
#define VLAB_MATH2(fn) &VLAB_MVEC_D2(fn), &VLAB_MVEC_F2(fn)
#else
#define VLAB_MATH1(fn) MathD1(nullptr), MathF1(nullptr)
#define VLAB_MATH2(fn) MathD2(nullptr), MathF2(nullptr)
#endif

/** A unary math kernel over a block: glibc's vector function of this ISA, else op's scalar kernel. */
template <Op op, class T>
inline void unaryMath(MathD1 fd, MathF1 ff, T* o, const T* a, int n) {
  if constexpr (sizeof(T) == 8) mapUnary<T, VecD, kLanesD>(fd, &scalarUnary<op, T>, o, a, n);
  else mapUnary<T, VecF, kLanesF>(ff, &scalarUnary<op, T>, o, a, n);
}

template <Op op, class T>
inline void binaryMath(MathD2 fd, MathF2 ff, T* o, const T* a, const T* b, int n) {
  if constexpr (sizeof(T) == 8) mapBinary<T, VecD, kLanesD>(fd, &scalarBinary<op, T>, o, a, b, n);
  else mapBinary<T, VecF, kLanesF>(ff, &scalarBinary<op, T>, o, a, b, n);
}

}  // namespace VLAB_ISA
}  // namespace vlab
