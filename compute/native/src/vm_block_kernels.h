// Each opcode's kernel over one block, generated from opcodes.h's VLAB_VECTOR
// lines: `elementwise` (the scalar kernel in a loop the compiler vectorizes),
// `simd(fn)` / `simd2(fn)` (xsimd's fn, vm_vector_math.h) and `integerPow`. The
// dispatch, vectorOp, is a switch over the opcode enum with no default arm,
// so under -Werror=switch an opcode without a VLAB_VECTOR line does not
// compile. Also the one kernel for two instructions: an arithmetic op on a
// scalar and the + - * / that alone reads its result, as one loop.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/** An operand of a vector instruction: a block, or one value for the whole block. */
template <class T>
struct Operand {
  const T* block;  // null when scalar
  T value;
};

template <class T, class F>
inline void binaryLoop(T* o, Operand<T> a, Operand<T> b, int n, F f) {
  if (a.block && b.block) {
    const T* x = a.block;
    const T* y = b.block;
    for (int i = 0; i < n; i++) o[i] = f(x[i], y[i]);
  } else if (a.block) {
    const T* x = a.block;
    const T s = b.value;
    for (int i = 0; i < n; i++) o[i] = f(x[i], s);
  } else if (b.block) {
    const T s = a.value;
    const T* y = b.block;
    for (int i = 0; i < n; i++) o[i] = f(s, y[i]);
  } else {
    const T v = f(a.value, b.value);
    for (int i = 0; i < n; i++) o[i] = v;
  }
}

template <class T, class F>
inline void unaryLoop(T* o, Operand<T> a, int n, F f) {
  if (a.block) {
    const T* x = a.block;
    for (int i = 0; i < n; i++) o[i] = f(x[i]);
  } else {
    const T v = f(a.value);
    for (int i = 0; i < n; i++) o[i] = v;
  }
}

/** A block view of an operand, broadcasting a scalar into `spare` when a vector function needs one. */
template <class T>
inline const T* asBlock(Operand<T> a, T* spare, int n) {
  if (a.block) return a.block;
  for (int i = 0; i < n; i++) spare[i] = a.value;
  return spare;
}

/** x ** K as the JS backend writes it, ((x * x) * x) * …, unrolled so that the loop vectorizes. */
template <class T, int K>
inline T productPow(T x) {
  T p = x;
  for (int i = 1; i < K; i++) p = p * x;
  return p;
}

template <class T>
inline void integerPowBlock(T* o, Operand<T> a, int32_t y, int n, T* spare) {
  switch (y) {  // as the JS backend: products for |y| <= 4, pow beyond
    case 0:
      return unaryLoop(o, a, n, [](T) { return T(1); });
    case 1:
      return unaryLoop(o, a, n, [](T x) { return x; });
    case 2:
      return unaryLoop(o, a, n, [](T x) { return productPow<T, 2>(x); });
    case 3:
      return unaryLoop(o, a, n, [](T x) { return productPow<T, 3>(x); });
    case 4:
      return unaryLoop(o, a, n, [](T x) { return productPow<T, 4>(x); });
    case -1:
      return unaryLoop(o, a, n, [](T x) { return T(1) / x; });
    case -2:
      return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 2>(x); });
    case -3:
      return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 3>(x); });
    case -4:
      return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 4>(x); });
    default: {
      T* exponent = spare;
      for (int i = 0; i < n; i++) exponent[i] = T(y);
      binaryMath<Op::POW, T>(VLAB_SIMD_FN2(pow), o, asBlock(a, spare + kBlock, n), exponent, n);
    }
  }
}

/** The scalar kernel of `op` over a block: a loop the compiler vectorizes. */
template <Op op, int arity, class T>
inline void elementwiseBlock(T* o, Operand<T> a, Operand<T> b, int n, int32_t imm) {
  if constexpr (arity == 1)
    unaryLoop(o, a, n, [imm](T x) { return scalar::Kernel<op>::template apply<T>(x, T(0), imm); });
  else
    binaryLoop(o, a, b, n, [imm](T x, T y) { return scalar::Kernel<op>::template apply<T>(x, y, imm); });
}

// How each form of opcodes.h's VLAB_VECTOR lines evaluates a block. In a
// case of vectorOp: kOp is the opcode, kArity its arity, T the element type.
#define VLAB_BLOCK_elementwise elementwiseBlock<kOp, kArity, T>(o, a, b, n, in.imm)
#define VLAB_BLOCK_integerPow integerPowBlock(o, a, in.imm, n, spare)
#define VLAB_BLOCK_simd(fn) unaryMath<kOp, T>(VLAB_SIMD_FN1(fn), o, asBlock(a, spare, n), n)
#define VLAB_BLOCK_simd2(fn) \
  binaryMath<kOp, T>(VLAB_SIMD_FN2(fn), o, asBlock(a, spare, n), asBlock(b, spare + kBlock, n), n)

/** Evaluates one computing instruction over a block of n elements into `o`: one case per VLAB_VECTOR line. */
template <class T>
inline void vectorOp(const Instr& in, T* o, Operand<T> a, Operand<T> b, int n, T* spare) {
  switch (in.op) {
    case Op::LOAD:
    case Op::CONST:
      return;  // data movement: the evaluator does it itself
#define VLAB_OPCODE(...)
#define VLAB_SCALAR(...)
// FORM is one pp-token and its arguments (`simd(cos)`): pasted onto VLAB_BLOCK_ as standard C++ (and MSVC) allow.
#define VLAB_VECTOR(NAME, FORM)                                \
  case Op::NAME: {                                             \
    [[maybe_unused]] constexpr Op kOp = Op::NAME;              \
    [[maybe_unused]] constexpr int kArity = arityOf(Op::NAME); \
    VLAB_BLOCK_##FORM;                                         \
    return;                                                    \
  }
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
  }
}
#undef VLAB_BLOCK_elementwise
#undef VLAB_BLOCK_integerPow
#undef VLAB_BLOCK_simd
#undef VLAB_BLOCK_simd2

// ---- fused pairs -------------------------------------------------------------

/** o = outer(other, inner(s, v)) (operand orders by the flags): two arithmetic instructions in one loop. */
template <class T, Op inner, Op outer, bool scalarFirst, bool fusedFirst>
inline void pairLoop(T* o, T s, const T* v, const T* other, int n) {
  for (int j = 0; j < n; j++) {
    const T t = scalarFirst ? scalar::Kernel<inner>::template apply<T>(s, v[j], 0)
                            : scalar::Kernel<inner>::template apply<T>(v[j], s, 0);
    o[j] = fusedFirst ? scalar::Kernel<outer>::template apply<T>(t, other[j], 0)
                      : scalar::Kernel<outer>::template apply<T>(other[j], t, 0);
  }
}

template <class T, Op inner, Op outer>
inline void pairForms(bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other, int n) {
  if (scalarFirst) {
    if (fusedFirst)
      pairLoop<T, inner, outer, true, true>(o, s, v, other, n);
    else
      pairLoop<T, inner, outer, true, false>(o, s, v, other, n);
  } else {
    if (fusedFirst)
      pairLoop<T, inner, outer, false, true>(o, s, v, other, n);
    else
      pairLoop<T, inner, outer, false, false>(o, s, v, other, n);
  }
}

template <class T, Op inner>
inline void pairOuter(Op outer, bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other, int n) {
  if (outer == Op::ADD)
    pairForms<T, inner, Op::ADD>(scalarFirst, fusedFirst, o, s, v, other, n);
  else if (outer == Op::SUB)
    pairForms<T, inner, Op::SUB>(scalarFirst, fusedFirst, o, s, v, other, n);
  else if (outer == Op::MUL)
    pairForms<T, inner, Op::MUL>(scalarFirst, fusedFirst, o, s, v, other, n);
  else
    pairForms<T, inner, Op::DIV>(scalarFirst, fusedFirst, o, s, v, other, n);
}

/** One loop for a pair planned by Launch::fuseWithNext; both ops are + − × ÷ (the planner checked). */
template <class T>
inline void fusedPair(Op inner, Op outer, bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other,
                      int n) {
  if (inner == Op::ADD)
    pairOuter<T, Op::ADD>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else if (inner == Op::SUB)
    pairOuter<T, Op::SUB>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else if (inner == Op::MUL)
    pairOuter<T, Op::MUL>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else
    pairOuter<T, Op::DIV>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
}

}  // namespace VLAB_ISA
}  // namespace vlab
