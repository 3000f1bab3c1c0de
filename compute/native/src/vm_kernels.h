// The block evaluator, compiled once per instruction set: vm_generic.cc
// (the baseline every x86-64 CPU has) and vm_avx2.cc, chosen at startup.
// Each run is cut into blocks of kBlock elements; every register holds one
// block, so temporaries stay in cache, and each instruction is one tight loop
// over a block that the compiler vectorizes. cos, sin, tan, exp, log, tanh and
// pow go through glibc's vector math library (libmvec) explicitly, because
// without -ffast-math (which would break NaN/Inf semantics) GCC never calls
// it on its own. This file allocates nothing: all memory is the caller's.
//
// Included with VLAB_ISA (a namespace name) and VLAB_ISA_LEVEL (0: portable
// scalar math, 1: SSE2 libmvec, 2: AVX2 libmvec) defined; vm_common.h first.

namespace vlab {
namespace VLAB_ISA {

// ---- vector math -----------------------------------------------------------

#if VLAB_ISA_LEVEL == 2
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
#endif

#if VLAB_ISA_LEVEL >= 1
// cos, sin, exp, log and pow have been in libmvec since glibc 2.22; the
// strong references also make the linker keep libmvec. tan and tanh came in
// 2.35: weak, so an older glibc still links and falls back to scalar loops.
extern "C" {
#define VLAB_DECLARE_MVEC(attr, name)                 \
  attr VecD VLAB_MVEC_D(name)(VecD) noexcept;         \
  attr VecF VLAB_MVEC_F(name)(VecF) noexcept;
#define VLAB_WEAK __attribute__((weak))
#define VLAB_STRONG
VLAB_DECLARE_MVEC(VLAB_STRONG, cos)
VLAB_DECLARE_MVEC(VLAB_STRONG, sin)
VLAB_DECLARE_MVEC(VLAB_WEAK, tan)
VLAB_DECLARE_MVEC(VLAB_STRONG, exp)
VLAB_DECLARE_MVEC(VLAB_STRONG, log)
VLAB_DECLARE_MVEC(VLAB_WEAK, tanh)
#undef VLAB_DECLARE_MVEC
#undef VLAB_WEAK
#undef VLAB_STRONG
VecD VLAB_MVEC_D2(pow)(VecD, VecD) noexcept;
VecF VLAB_MVEC_F2(pow)(VecF, VecF) noexcept;
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

/** Vector math over a block, by element type. */
template <class T>
struct BlockMath;

#if VLAB_ISA_LEVEL >= 1
#define VLAB_BLOCK_UNARY(T, V, W, name, MVEC) \
  static void name(T* o, const T* a, int n) { mapUnary<T, V, W>(&MVEC(name), &scalar::name<T>, o, a, n); }
template <>
struct BlockMath<double> {
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, cos, VLAB_MVEC_D)
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, sin, VLAB_MVEC_D)
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, tan, VLAB_MVEC_D)
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, exp, VLAB_MVEC_D)
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, log, VLAB_MVEC_D)
  VLAB_BLOCK_UNARY(double, VecD, kLanesD, tanh, VLAB_MVEC_D)
  static void pow(double* o, const double* a, const double* b, int n) {
    mapBinary<double, VecD, kLanesD>(&VLAB_MVEC_D2(pow), &scalar::pow<double>, o, a, b, n);
  }
};
template <>
struct BlockMath<float> {
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, cos, VLAB_MVEC_F)
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, sin, VLAB_MVEC_F)
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, tan, VLAB_MVEC_F)
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, exp, VLAB_MVEC_F)
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, log, VLAB_MVEC_F)
  VLAB_BLOCK_UNARY(float, VecF, kLanesF, tanh, VLAB_MVEC_F)
  static void pow(float* o, const float* a, const float* b, int n) {
    mapBinary<float, VecF, kLanesF>(&VLAB_MVEC_F2(pow), &scalar::pow<float>, o, a, b, n);
  }
};
#undef VLAB_BLOCK_UNARY
#else
template <class T>
struct BlockMath {
#define VLAB_BLOCK_UNARY(name) \
  static void name(T* o, const T* a, int n) { for (int i = 0; i < n; i++) o[i] = scalar::name<T>(a[i]); }
  VLAB_BLOCK_UNARY(cos)
  VLAB_BLOCK_UNARY(sin)
  VLAB_BLOCK_UNARY(tan)
  VLAB_BLOCK_UNARY(exp)
  VLAB_BLOCK_UNARY(log)
  VLAB_BLOCK_UNARY(tanh)
#undef VLAB_BLOCK_UNARY
  static void pow(T* o, const T* a, const T* b, int n) {
    for (int i = 0; i < n; i++) o[i] = scalar::pow<T>(a[i], b[i]);
  }
};
#endif

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
      BlockMath<T>::pow(o, asBlock(a, spare + kBlock, n), exponent, n);
    }
  }
}

/** Evaluates one non-LOAD instruction over a block of n elements into `o`. */
template <class T>
inline void vectorOp(const Instr& in, T* o, Operand<T> a, Operand<T> b, int n, T* spare) {
  switch (in.op) {
    case OP_NEG: return unaryLoop(o, a, n, [](T x) { return -x; });
    case OP_SQUARE: return unaryLoop(o, a, n, [](T x) { return x * x; });
    case OP_SQRT: return unaryLoop(o, a, n, [](T x) { return std::sqrt(x); });
    case OP_ABS: return unaryLoop(o, a, n, [](T x) { return std::fabs(x); });
    case OP_COS: return BlockMath<T>::cos(o, asBlock(a, spare, n), n);
    case OP_SIN: return BlockMath<T>::sin(o, asBlock(a, spare, n), n);
    case OP_TAN: return BlockMath<T>::tan(o, asBlock(a, spare, n), n);
    case OP_EXP: return BlockMath<T>::exp(o, asBlock(a, spare, n), n);
    case OP_LOG: return BlockMath<T>::log(o, asBlock(a, spare, n), n);
    case OP_TANH: return BlockMath<T>::tanh(o, asBlock(a, spare, n), n);
    case OP_ADD: return binaryLoop(o, a, b, n, [](T x, T y) { return x + y; });
    case OP_SUB: return binaryLoop(o, a, b, n, [](T x, T y) { return x - y; });
    case OP_MUL: return binaryLoop(o, a, b, n, [](T x, T y) { return x * y; });
    case OP_DIV: return binaryLoop(o, a, b, n, [](T x, T y) { return x / y; });
    case OP_MIN: return binaryLoop(o, a, b, n, [](T x, T y) { return scalar::minimum(x, y); });
    case OP_MAX: return binaryLoop(o, a, b, n, [](T x, T y) { return scalar::maximum(x, y); });
    case OP_POW: return BlockMath<T>::pow(o, asBlock(a, spare, n), asBlock(b, spare + kBlock, n), n);
    case OP_INTEGER_POW: return integerPowBlock(o, a, in.imm, n, spare);
    default: return;  // LOAD and CONST never reach here; the validator rejects anything else
  }
}

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
  const T** vec;     // per register: the current block (its own, or straight into an input)
  T* scal;           // per register: the value when it is a scalar
  explicit Frame(const Launch& L, void* scratch) {
    const int regs = L.program->numRegs;
    char* p = static_cast<char*>(scratch);
    p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(p) + 63) & ~uintptr_t(63));
    blocks = reinterpret_cast<T*>(p);
    spare = blocks + size_t(regs) * kBlock;
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
    if (in.op == OP_LOAD) v = readOne<T>(L.reads[size_t(in.a)], bases[in.a]);
    else if (in.op == OP_CONST) v = T(P.consts[size_t(in.a)]);
    else v = scalar::apply<T>(in.op, F.scal[in.a], F.scal[in.b], in.imm);
    F.scal[in.dst] = v;
  }
}

/**
 * Runs the vector instructions over one block of n elements whose output
 * starts at `out`. `load(instr, dst)` fills a read's block (or returns a
 * pointer straight into the input).
 */
template <class T, class Load>
inline void runVectors(const Launch& L, Frame<T>& F, T* out, int n, Load load) {
  const Program& P = *L.program;
  const int last = int(P.code.size()) - 1;
  for (int i = L.firstVector; i <= last; i++) {
    const Instr& in = P.code[size_t(i)];
    T* dst = (i == last && L.directResult) ? out : F.own(in.dst);
    if (in.op == OP_LOAD) {
      F.vec[in.dst] = load(in, dst);
      continue;
    }
    if (in.op == OP_CONST) {  // a constant never sits past the scalar prefix, but stay total
      F.scal[in.dst] = T(P.consts[size_t(in.a)]);
      continue;
    }
    const Operand<T> a{L.aScalar[size_t(i)] ? nullptr : F.vec[in.a], F.scal[in.a]};
    const int32_t bReg = in.b >= 0 && in.b < P.numRegs ? in.b : 0;
    const Operand<T> b{L.bScalar[size_t(i)] ? nullptr : F.vec[bReg], F.scal[bReg]};
    vectorOp<T>(in, dst, a, b, n, F.spare);
    F.vec[in.dst] = dst;
  }
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
  auto finishBlock = [&](int n) {
    if (L.doneElements) L.doneElements->fetch_add(n, std::memory_order_relaxed);
    if (L.onBlock) L.onBlock(L.onBlockContext);
  };

  if (L.rowMode) {
    const int64_t rowLength = L.rowLength;
    int64_t e = begin;
    while (e < end) {
      const int64_t row = e / rowLength;
      const int64_t c0 = e - row * rowLength;
      const int64_t c1 = std::min(rowLength, c0 + (end - e));
      // Offsets of this row's first element, per read.
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
      runScalars<T>(L, F, base.data());
      for (int64_t c = c0; c < c1; c += kBlock) {
        if (L.cancelled && L.cancelled->load(std::memory_order_relaxed)) return false;
        const int n = int(std::min<int64_t>(kBlock, c1 - c));
        runVectors<T>(L, F, out + row * rowLength + c, n, [&](const Instr& in, T* dst) -> const T* {
          const Source& src = L.reads[size_t(in.a)];
          const int64_t stride = L.readStrides[size_t(in.a) * rank + rank - 1];
          const int64_t off = base[size_t(in.a)] + c * stride;
          if (stride == 1 && src.dtype == dtypeOf<T>()) return static_cast<const T*>(src.data) + off;
          gather<T>(dst, src, off, stride, n);
          return dst;
        });
        finishBlock(n);
      }
      e += c1 - c0;
    }
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
    runVectors<T>(L, F, out + b, n, [&](const Instr& in, T* dst) -> const T* {
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
  constexpr int64_t kAlign = VLAB_ISA_LEVEL == 2 ? 32 : 16;
  while (i < end && (reinterpret_cast<uintptr_t>(out + i) % kAlign) != 0) out[i++] = value;
  if constexpr (sizeof(T) == 8) {
#if VLAB_ISA_LEVEL == 2
    const __m256d v = _mm256_set1_pd(value);
    for (; i + 4 <= end; i += 4) _mm256_stream_pd(reinterpret_cast<double*>(out + i), v);
#else
    const __m128d v = _mm_set1_pd(value);
    for (; i + 2 <= end; i += 2) _mm_stream_pd(reinterpret_cast<double*>(out + i), v);
#endif
  } else {
#if VLAB_ISA_LEVEL == 2
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

/** z[i, j] = cos(x[i]² + y[j]²) / (1 + x[i]² + y[j]²), written by hand for rows [r0, r1). */
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
      BlockMath<T>::cos(c, r, m);
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
