// The block evaluator, compiled once per instruction set: vm_generic.cc
// (the baseline every x86-64 CPU has), vm_avx2.cc and vm_avx512.cc, chosen
// at load from the CPU's features.
// Each run is cut into blocks of kBlock elements; every register holds one
// block, so temporaries stay in cache, and each instruction is one tight loop
// over a block that the compiler vectorizes. cos, sin, tan, exp, log, tanh and
// pow go through glibc's vector math library (libmvec) explicitly, because
// without -ffast-math (which would break NaN/Inf semantics) GCC never calls
// it on its own. This file allocates nothing: all memory is the caller's.
//
// Included with VLAB_ISA (a namespace name) and VLAB_ISA_LEVEL (0: portable
// scalar math, 1: SSE2 libmvec, 2: AVX2 libmvec, 3: AVX-512 libmvec)
// defined; vm_common.h first.

namespace vlab {
namespace VLAB_ISA {

// ---- vector math -----------------------------------------------------------

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

// ---- elementwise loops -----------------------------------------------------

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
    case 0: return unaryLoop(o, a, n, [](T) { return T(1); });
    case 1: return unaryLoop(o, a, n, [](T x) { return x; });
    case 2: return unaryLoop(o, a, n, [](T x) { return productPow<T, 2>(x); });
    case 3: return unaryLoop(o, a, n, [](T x) { return productPow<T, 3>(x); });
    case 4: return unaryLoop(o, a, n, [](T x) { return productPow<T, 4>(x); });
    case -1: return unaryLoop(o, a, n, [](T x) { return T(1) / x; });
    case -2: return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 2>(x); });
    case -3: return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 3>(x); });
    case -4: return unaryLoop(o, a, n, [](T x) { return T(1) / productPow<T, 4>(x); });
    default: {
      T* exponent = spare;
      for (int i = 0; i < n; i++) exponent[i] = T(y);
      binaryMath<Op::POW, T>(VLAB_MATH2(pow), o, asBlock(a, spare + kBlock, n), exponent, n);
    }
  }
}

/** The scalar kernel of `op` over a block: a loop the compiler vectorizes. */
template <Op op, int arity, class T>
inline void elementwiseBlock(T* o, Operand<T> a, Operand<T> b, int n, int32_t imm) {
  if constexpr (arity == 1) unaryLoop(o, a, n, [imm](T x) { return scalar::Kernel<op>::template apply<T>(x, T(0), imm); });
  else binaryLoop(o, a, b, n, [imm](T x, T y) { return scalar::Kernel<op>::template apply<T>(x, y, imm); });
}

// How each form of opcodes.h's VLAB_VECTOR lines evaluates a block. In a
// case of vectorOp: kOp is the opcode, kArity its arity, T the element type.
#define VLAB_BLOCK_elementwise elementwiseBlock<kOp, kArity, T>(o, a, b, n, in.imm)
#define VLAB_BLOCK_integerPow integerPowBlock(o, a, in.imm, n, spare)
#define VLAB_BLOCK_libmvec(fn) unaryMath<kOp, T>(VLAB_MATH1(fn), o, asBlock(a, spare, n), n)
#define VLAB_BLOCK_libmvec2(fn) binaryMath<kOp, T>(VLAB_MATH2(fn), o, asBlock(a, spare, n), asBlock(b, spare + kBlock, n), n)

/** Evaluates one computing instruction over a block of n elements into `o`: one case per VLAB_VECTOR line. */
template <class T>
inline void vectorOp(const Instr& in, T* o, Operand<T> a, Operand<T> b, int n, T* spare) {
  switch (in.op) {
    case Op::LOAD:
    case Op::CONST:
      return;  // data movement: the evaluator does it itself
#define VLAB_OPCODE(...)
#define VLAB_SCALAR(...)
#define VLAB_VECTOR(NAME, ...)            \
  case Op::NAME: {                        \
    [[maybe_unused]] constexpr Op kOp = Op::NAME; \
    [[maybe_unused]] constexpr int kArity = arityOf(Op::NAME); \
    VLAB_BLOCK_##__VA_ARGS__;             \
    return;                               \
  }
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
  }
}
#undef VLAB_BLOCK_elementwise
#undef VLAB_BLOCK_integerPow
#undef VLAB_BLOCK_libmvec
#undef VLAB_BLOCK_libmvec2

// ---- reads -----------------------------------------------------------------

template <class T, class S>
inline void gatherRun(T* dst, const S* src, int64_t offset, int64_t stride, int n) {
  if (stride == 1) {
    for (int j = 0; j < n; j++) dst[j] = T(src[offset + j]);
  } else {
    for (int j = 0; j < n; j++) dst[j] = T(src[offset + int64_t(j) * stride]);
  }
}

template <class T>
inline void gather(T* dst, const Source& source, int64_t offset, int64_t stride, int n) {
  if (source.dtype == DType::Float64) gatherRun(dst, static_cast<const double*>(source.data), offset, stride, n);
  else gatherRun(dst, static_cast<const float*>(source.data), offset, stride, n);
}

template <class T>
inline T readOne(const Source& source, int64_t offset) {
  return source.dtype == DType::Float64 ? T(static_cast<const double*>(source.data)[offset])
                                        : T(static_cast<const float*>(source.data)[offset]);
}

template <class T>
constexpr DType dtypeOf() {
  return sizeof(T) == 8 ? DType::Float64 : DType::Float32;
}

// ---- the evaluator ---------------------------------------------------------

/** Per-thread registers, carved out of the caller's scratch. */
template <class T>
struct Frame {
  T* blocks;         // numRegs × kBlock
  T* spare;          // 2 × kBlock, for broadcasting scalar operands
  T* rowCache;       // rowCacheSlots × rowLength: row-invariant values (Launch::rowCacheSlot)
  const T** vec;     // per register: the current block (its own, or straight into an input)
  T* scal;           // per register: the value when it is a scalar
  explicit Frame(const Launch& L, void* scratch) {
    const int regs = L.program->numRegs;
    char* p = static_cast<char*>(scratch);
    p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(p) + 63) & ~uintptr_t(63));
    blocks = reinterpret_cast<T*>(p);
    spare = blocks + size_t(regs) * kBlock;
    rowCache = spare + 2 * size_t(kBlock);
    vec = static_cast<const T**>(frameTable(L, 0));
    scal = static_cast<T*>(frameTable(L, 1));
  }
  // The pointer and scalar tables live in thread-local storage sized once per thread.
  static void* frameTable(const Launch& L, int which) {
    static thread_local std::vector<const T*> pointers;
    static thread_local std::vector<T> scalars;
    const size_t regs = size_t(L.program->numRegs);
    if (which == 0) {
      if (pointers.size() < regs) pointers.resize(regs);
      return pointers.data();
    }
    if (scalars.size() < regs) scalars.resize(regs);
    return scalars.data();
  }
  T* own(int reg) { return blocks + size_t(reg) * kBlock; }
};

template <class T>
inline void runScalars(const Launch& L, Frame<T>& F, const int64_t* bases) {
  const Program& P = *L.program;
  for (int i = 0; i < L.firstVector; i++) {
    const Instr& in = P.code[size_t(i)];
    T v;
    if (in.op == Op::LOAD) v = readOne<T>(L.reads[size_t(in.a)], bases[in.a]);
    else if (in.op == Op::CONST) v = T(P.consts[size_t(in.a)]);
    else v = scalar::apply<T>(in.op, F.scal[in.a], F.scal[in.b], in.imm);
    F.scal[in.dst] = v;
  }
}

// ---- fused pairs -------------------------------------------------------------

/** o = outer(other, inner(s, v)) (operand orders by the flags): two arithmetic instructions in one loop. */
template <class T, Op inner, Op outer, bool scalarFirst, bool fusedFirst>
inline void pairLoop(T* o, T s, const T* v, const T* other, int n) {
  for (int j = 0; j < n; j++) {
    const T t = scalarFirst ? scalar::Kernel<inner>::template apply<T>(s, v[j], 0) : scalar::Kernel<inner>::template apply<T>(v[j], s, 0);
    o[j] = fusedFirst ? scalar::Kernel<outer>::template apply<T>(t, other[j], 0) : scalar::Kernel<outer>::template apply<T>(other[j], t, 0);
  }
}

template <class T, Op inner, Op outer>
inline void pairForms(bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other, int n) {
  if (scalarFirst) {
    if (fusedFirst) pairLoop<T, inner, outer, true, true>(o, s, v, other, n);
    else pairLoop<T, inner, outer, true, false>(o, s, v, other, n);
  } else {
    if (fusedFirst) pairLoop<T, inner, outer, false, true>(o, s, v, other, n);
    else pairLoop<T, inner, outer, false, false>(o, s, v, other, n);
  }
}

template <class T, Op inner>
inline void pairOuter(Op outer, bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other, int n) {
  if (outer == Op::ADD) pairForms<T, inner, Op::ADD>(scalarFirst, fusedFirst, o, s, v, other, n);
  else if (outer == Op::SUB) pairForms<T, inner, Op::SUB>(scalarFirst, fusedFirst, o, s, v, other, n);
  else if (outer == Op::MUL) pairForms<T, inner, Op::MUL>(scalarFirst, fusedFirst, o, s, v, other, n);
  else pairForms<T, inner, Op::DIV>(scalarFirst, fusedFirst, o, s, v, other, n);
}

/** One loop for a pair planned by Launch::fuseWithNext; both ops are + − × ÷ (the planner checked). */
template <class T>
inline void fusedPair(Op inner, Op outer, bool scalarFirst, bool fusedFirst, T* o, T s, const T* v, const T* other, int n) {
  if (inner == Op::ADD) pairOuter<T, Op::ADD>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else if (inner == Op::SUB) pairOuter<T, Op::SUB>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else if (inner == Op::MUL) pairOuter<T, Op::MUL>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
  else pairOuter<T, Op::DIV>(outer, scalarFirst, fusedFirst, o, s, v, other, n);
}

/** Which vector instructions a pass over a block runs. */
enum class Pass {
  All,        // every one
  Varying,    // all but the row-invariant ones, whose values come from the row cache
  Invariant,  // only the row-invariant ones, storing what the varying ones read into the row cache
};

/**
 * Runs the vector instructions over one block of n elements whose output
 * starts at `out` and that starts `column` elements into its row.
 * `load(instr, dst)` fills a read's block (or returns a pointer straight
 * into the input).
 */
template <Pass pass, class T, class Load>
inline void runVectors(const Launch& L, Frame<T>& F, T* out, int64_t column, int n, Load load) {
  const Program& P = *L.program;
  const int last = int(P.code.size()) - 1;
  for (int i = L.firstVector; i <= last; i++) {
    const Instr& in = P.code[size_t(i)];
    T* dst = (i == last && L.directResult) ? out : F.own(in.dst);
    if constexpr (pass != Pass::All) {
      const bool invariant = L.rowInvariant[size_t(i)] != 0;
      const int32_t slot = L.rowCacheSlot[size_t(i)];
      if constexpr (pass == Pass::Varying) {
        if (invariant && in.op != Op::LOAD) {
          if (slot >= 0) F.vec[in.dst] = F.rowCache + size_t(slot) * size_t(L.rowLength) + column;
          continue;
        }
      } else {
        if (!invariant) continue;
        if (slot >= 0) dst = F.rowCache + size_t(slot) * size_t(L.rowLength) + column;
      }
    }
    if (in.op == Op::LOAD) {
      F.vec[in.dst] = load(in, dst);
      continue;
    }
    if (in.op == Op::CONST) {  // a constant never sits past the scalar prefix, but stay total
      F.scal[in.dst] = T(P.consts[size_t(in.a)]);
      continue;
    }
    const Operand<T> a{L.aScalar[size_t(i)] ? nullptr : F.vec[in.a], F.scal[in.a]};
    const int32_t bReg = in.b >= 0 && in.b < P.numRegs ? in.b : 0;
    const Operand<T> b{L.bScalar[size_t(i)] ? nullptr : F.vec[bReg], F.scal[bReg]};
    if constexpr (pass != Pass::Invariant) {
      if (L.fuseWithNext[size_t(i)]) {
        const Instr& next = P.code[size_t(i) + 1];
        T* const pairDst = (i + 1 == last && L.directResult) ? out : F.own(next.dst);
        const bool scalarFirst = a.block == nullptr;
        const bool fusedFirst = next.a == in.dst;
        const T* other = F.vec[fusedFirst ? next.b : next.a];
        fusedPair<T>(in.op, next.op, scalarFirst, fusedFirst, pairDst, scalarFirst ? a.value : b.value, scalarFirst ? b.block : a.block, other, n);
        F.vec[next.dst] = pairDst;
        i++;
        continue;
      }
    }
    vectorOp<T>(in, dst, a, b, n, F.spare);
    F.vec[in.dst] = dst;
  }
  if constexpr (pass == Pass::Invariant) return;
  if (L.directResult) return;
  if (L.resultScalar) {
    const T v = F.scal[P.resultReg];
    for (int j = 0; j < n; j++) out[j] = v;
  } else {
    const T* r = F.vec[P.resultReg];
    for (int j = 0; j < n; j++) out[j] = r[j];
  }
}

template <class T>
bool evalRangeTyped(const Launch& L, int64_t begin, int64_t end, void* scratch) {
  // An empty range reads nothing: the bounds check let empty inputs through, so even loop-invariant reads must not run.
  if (begin >= end) return true;
  Frame<T> F(L, scratch);
  T* const out = static_cast<T*>(L.out);
  const int rank = L.rank;
  const size_t numReads = L.reads.size();
  std::vector<int64_t>& base = threadBases(numReads);
  // Progress goes to the shared counter every kProgressElements, not every
  // block: an atomic on a line both threads write, and a clock read in the
  // callback, per 1024 elements cost more than some of the arithmetic.
  int64_t unreported = 0;
  auto reportProgress = [&] {
    if (unreported == 0) return;
    if (L.doneElements) L.doneElements->fetch_add(unreported, std::memory_order_relaxed);
    if (L.onBlock) L.onBlock(L.onBlockContext);
    unreported = 0;
  };
  auto finishBlock = [&](int n) {
    unreported += n;
    if (unreported >= kProgressElements) reportProgress();
  };

  if (L.rowMode) {
    const int64_t rowLength = L.rowLength;
    // Offsets of a row's first element, per read.
    auto setRowBases = [&](int64_t row) {
      int64_t index[kMaxRank];
      int64_t rest = row;
      for (int a = rank - 2; a >= 0; a--) {
        index[a] = rest % L.shape[a];
        rest /= L.shape[a];
      }
      for (size_t r = 0; r < numReads; r++) {
        int64_t off = L.readOffset[r];
        const int64_t* s = &L.readStrides[r * size_t(rank)];
        for (int a = 0; a < rank - 1; a++) off += index[a] * s[a];
        base[r] = off;
      }
    };
    // The reads of the block starting `c` elements into the current row.
    auto rowLoad = [&](int64_t c, int n) {
      return [&, c, n](const Instr& in, T* dst) -> const T* {
        const Source& src = L.reads[size_t(in.a)];
        const int64_t stride = L.readStrides[size_t(in.a) * rank + rank - 1];
        const int64_t off = base[size_t(in.a)] + c * stride;
        if (stride == 1 && src.dtype == dtypeOf<T>()) return static_cast<const T*>(src.data) + off;
        gather<T>(dst, src, off, stride, n);
        return dst;
      };
    };
    // Row-invariant work, once per part over one row, when the part spans rows enough for it to pay.
    const bool cached = L.rowCacheSlots > 0 && end - begin >= 2 * rowLength;
    if (cached) {
      setRowBases(0);
      runScalars<T>(L, F, base.data());
      for (int64_t c = 0; c < rowLength; c += kBlock) {
        const int n = int(std::min<int64_t>(kBlock, rowLength - c));
        runVectors<Pass::Invariant, T>(L, F, nullptr, c, n, rowLoad(c, n));
      }
    }
    int64_t e = begin;
    while (e < end) {
      const int64_t row = e / rowLength;
      const int64_t c0 = e - row * rowLength;
      const int64_t c1 = std::min(rowLength, c0 + (end - e));
      setRowBases(row);
      runScalars<T>(L, F, base.data());
      for (int64_t c = c0; c < c1; c += kBlock) {
        if (L.cancelled && L.cancelled->load(std::memory_order_relaxed)) return false;
        const int n = int(std::min<int64_t>(kBlock, c1 - c));
        T* const o = out + row * rowLength + c;
        if (cached) runVectors<Pass::Varying, T>(L, F, o, c, n, rowLoad(c, n));
        else runVectors<Pass::All, T>(L, F, o, c, n, rowLoad(c, n));
        finishBlock(n);
      }
      e += c1 - c0;
    }
    reportProgress();
    return true;
  }

  // Flat mode: blocks run across rows; only depth-0 work is hoisted.
  for (size_t r = 0; r < numReads; r++) base[r] = L.readOffset[r];
  runScalars<T>(L, F, base.data());
  for (int64_t b = begin; b < end; b += kBlock) {
    if (L.cancelled && L.cancelled->load(std::memory_order_relaxed)) return false;
    const int n = int(std::min<int64_t>(kBlock, end - b));
    int64_t start[kMaxRank];
    int64_t rest = b;
    for (int a = rank - 1; a >= 0; a--) {
      start[a] = rest % L.shape[a];
      rest /= L.shape[a];
    }
    runVectors<Pass::All, T>(L, F, out + b, 0, n, [&](const Instr& in, T* dst) -> const T* {
      const Source& src = L.reads[size_t(in.a)];
      const int64_t* s = &L.readStrides[size_t(in.a) * rank];
      int64_t index[kMaxRank];
      int64_t off = L.readOffset[size_t(in.a)];
      for (int a = 0; a < rank; a++) {
        index[a] = start[a];
        off += index[a] * s[a];
      }
      const int lastAxis = rank - 1;
      int k = 0;
      while (k < n) {
        const int run = int(std::min<int64_t>(n - k, L.shape[lastAxis] - index[lastAxis]));
        gather<T>(dst + k, src, off, s[lastAxis], run);
        k += run;
        off += run * s[lastAxis];
        index[lastAxis] += run;
        for (int a = lastAxis; a > 0 && index[a] == L.shape[a]; a--) {
          off -= L.shape[a] * s[a];
          index[a] = 0;
          index[a - 1]++;
          off += s[a - 1];
        }
      }
      return dst;
    });
    finishBlock(n);
  }
  reportProgress();
  return true;
}

bool evalRange(const Launch& L, int64_t begin, int64_t end, void* scratch) {
  return L.program->dtype == DType::Float64 ? evalRangeTyped<double>(L, begin, end, scratch)
                                            : evalRangeTyped<float>(L, begin, end, scratch);
}

// ---- the physical floor and the hand-written reference ----------------------

template <class T>
void streamFillTyped(T* out, int64_t begin, int64_t end, T value) {
  int64_t i = begin;
#if VLAB_ISA_LEVEL >= 1
  constexpr int64_t kAlign = VLAB_ISA_LEVEL == 3 ? 64 : VLAB_ISA_LEVEL == 2 ? 32 : 16;
  while (i < end && (reinterpret_cast<uintptr_t>(out + i) % kAlign) != 0) out[i++] = value;
  if constexpr (sizeof(T) == 8) {
#if VLAB_ISA_LEVEL == 3
    const __m512d v = _mm512_set1_pd(value);
    for (; i + 8 <= end; i += 8) _mm512_stream_pd(reinterpret_cast<double*>(out + i), v);
#elif VLAB_ISA_LEVEL == 2
    const __m256d v = _mm256_set1_pd(value);
    for (; i + 4 <= end; i += 4) _mm256_stream_pd(reinterpret_cast<double*>(out + i), v);
#else
    const __m128d v = _mm_set1_pd(value);
    for (; i + 2 <= end; i += 2) _mm_stream_pd(reinterpret_cast<double*>(out + i), v);
#endif
  } else {
#if VLAB_ISA_LEVEL == 3
    const __m512 v = _mm512_set1_ps(value);
    for (; i + 16 <= end; i += 16) _mm512_stream_ps(reinterpret_cast<float*>(out + i), v);
#elif VLAB_ISA_LEVEL == 2
    const __m256 v = _mm256_set1_ps(value);
    for (; i + 8 <= end; i += 8) _mm256_stream_ps(reinterpret_cast<float*>(out + i), v);
#else
    const __m128 v = _mm_set1_ps(value);
    for (; i + 4 <= end; i += 4) _mm_stream_ps(reinterpret_cast<float*>(out + i), v);
#endif
  }
  _mm_sfence();
#endif
  for (; i < end; i++) out[i] = value;
}

void streamFill(void* out, DType dtype, int64_t begin, int64_t end) {
  if (dtype == DType::Float64) streamFillTyped<double>(static_cast<double*>(out), begin, end, 0.0);
  else streamFillTyped<float>(static_cast<float*>(out), begin, end, 0.0f);
}

/** cos over a block, as a call of its own (as each instruction of the VM is). */
template <class T>
__attribute__((noinline)) void lessonCos(T* o, const T* a, int n) {
  unaryMath<Op::COS, T>(VLAB_MATH1(cos), o, a, n);
}

/**
 * z[i, j] = cos(x[i]² + y[j]²) / (1 + x[i]² + y[j]²), written by hand for
 * rows [r0, r1), each of n columns (y's n points): the yardstick the
 * evaluator is held to, compiled in the same instruction-set copy, calling
 * the same libmvec function, blocked as the VM is (one cache-sized block of
 * r = x² + y², cos of it, then the quotient).
 */
template <class T>
void lessonRowsTyped(T* out, const T* x, const T* y, int64_t n, int64_t r0, int64_t r1) {
  alignas(64) T r[kBlock];
  alignas(64) T c[kBlock];
  for (int64_t i = r0; i < r1; i++) {
    const T xx = x[i] * x[i];
    for (int64_t j0 = 0; j0 < n; j0 += kBlock) {
      const int m = int(std::min<int64_t>(kBlock, n - j0));
      const T* yj = y + j0;
      for (int j = 0; j < m; j++) r[j] = xx + yj[j] * yj[j];
      lessonCos<T>(c, r, m);
      T* o = out + i * n + j0;
      for (int j = 0; j < m; j++) o[j] = c[j] / (T(1) + r[j]);
    }
  }
}

void lessonRows(void* out, const void* x, const void* y, DType dtype, int64_t n, int64_t r0, int64_t r1) {
  if (dtype == DType::Float64)
    lessonRowsTyped<double>(static_cast<double*>(out), static_cast<const double*>(x), static_cast<const double*>(y), n, r0, r1);
  else
    lessonRowsTyped<float>(static_cast<float*>(out), static_cast<const float*>(x), static_cast<const float*>(y), n, r0, r1);
}

}  // namespace VLAB_ISA
}  // namespace vlab
