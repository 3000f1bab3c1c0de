// The yardsticks the evaluator is measured against, compiled in the same
// instruction-set copy: streamFill, the physical floor (writing the output at
// the memory's bandwidth, with streaming stores of non-zero, varying values
// as the real output holds), and lessonRows, the
// lesson's f written by hand over the same blocks (its cos: libmvec where
// glibc has it, else the evaluator's own).
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

void streamFill(void* out, DType dtype, int64_t begin, int64_t end) {
  // Non-zero, varying values (machine_probes.h), as the real output's are: some platforms write zeros faster.
  if (dtype == DType::Float64)
    streamVarying<double>(static_cast<double*>(out), begin, end);
  else
    streamVarying<float>(static_cast<float*>(out), begin, end);
}

// The lesson loop's cos: glibc's libmvec where it exists (x86-64 glibc, the
// vector copies), the same call the evaluator made before its math became
// portable, so that `vlab bench` holds the evaluator to the system's fastest
// vector math; elsewhere (macOS, Windows, musl, arm64, the scalar copy) the
// evaluator's own kernel. The one file of the addon that names libmvec.
#if VLAB_X86 && defined(__GLIBC__) && defined(VLAB_XSIMD_ARCH)
#define VLAB_YARDSTICK_LIBMVEC 1
#if defined(__AVX512F__)
extern "C" __m512d _ZGVeN8v_cos(__m512d) noexcept;
extern "C" __m512 _ZGVeN16v_cosf(__m512) noexcept;
inline __m512d libmvecCos(__m512d v) { return _ZGVeN8v_cos(v); }
inline __m512 libmvecCos(__m512 v) { return _ZGVeN16v_cosf(v); }
#elif defined(__AVX2__)
extern "C" __m256d _ZGVdN4v_cos(__m256d) noexcept;
extern "C" __m256 _ZGVdN8v_cosf(__m256) noexcept;
inline __m256d libmvecCos(__m256d v) { return _ZGVdN4v_cos(v); }
inline __m256 libmvecCos(__m256 v) { return _ZGVdN8v_cosf(v); }
#else
extern "C" __m128d _ZGVbN2v_cos(__m128d) noexcept;
extern "C" __m128 _ZGVbN4v_cosf(__m128) noexcept;
inline __m128d libmvecCos(__m128d v) { return _ZGVbN2v_cos(v); }
inline __m128 libmvecCos(__m128 v) { return _ZGVbN4v_cosf(v); }
#endif
#endif

/** The name of the yardstick's cos, for `vlab bench`'s line. */
#if defined(VLAB_YARDSTICK_LIBMVEC)
const char* const kLessonCos = "libmvec cos";
#elif defined(VLAB_XSIMD_ARCH)
const char* const kLessonCos = "the evaluator's cos";
#else
const char* const kLessonCos = "scalar cos";
#endif

/** cos over a block, as a call of its own (as each instruction of the VM is). */
template <class T>
VLAB_NOINLINE void lessonCos(T* o, const T* a, int n) {
#if defined(VLAB_YARDSTICK_LIBMVEC)
  mapUnary<T>([](const xsimd::batch<T, Arch>& v) { return xsimd::batch<T, Arch>(libmvecCos(v)); }, o, a, n);
#else
  unaryMath<Op::COS, T>(VLAB_SIMD_FN1(cos), o, a, n);
#endif
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
    lessonRowsTyped<double>(static_cast<double*>(out), static_cast<const double*>(x), static_cast<const double*>(y), n,
                            r0, r1);
  else
    lessonRowsTyped<float>(static_cast<float*>(out), static_cast<const float*>(x), static_cast<const float*>(y), n, r0,
                           r1);
}

/**
 * The lesson's fused max, written by hand: the same blocks, the same libmvec
 * cos and the same quotient as lessonRows, each block folded into a running
 * maximum (NaN wins, as np.max) instead of stored, with the fold the fused
 * map-reduce uses (blockExtreme). The fused map-reduce
 * (vm_reduce.h) is held to it in `vlab bench`.
 */
template <class T>
double lessonMaxTyped(const T* x, const T* y, int64_t n, int64_t r0, int64_t r1) {
  alignas(64) T r[kBlock];
  alignas(64) T c[kBlock];
  T best = -std::numeric_limits<T>::infinity();
  int bad = 0;
  for (int64_t i = r0; i < r1; i++) {
    const T xx = x[i] * x[i];
    for (int64_t j0 = 0; j0 < n; j0 += kBlock) {
      const int m = int(std::min<int64_t>(kBlock, n - j0));
      const T* yj = y + j0;
      for (int j = 0; j < m; j++) r[j] = xx + yj[j] * yj[j];
      lessonCos<T>(c, r, m);
      for (int j = 0; j < m; j++) c[j] = c[j] / (T(1) + r[j]);
      bool nan = false;
      const T blockMax = blockExtreme<true>(c, m, nan);
      best = blockMax > best ? blockMax : best;
      bad |= nan;
    }
  }
  return bad ? std::numeric_limits<double>::quiet_NaN() : double(best);
}

double lessonMax(const void* x, const void* y, DType dtype, int64_t n, int64_t r0, int64_t r1) {
  if (dtype == DType::Float64)
    return lessonMaxTyped<double>(static_cast<const double*>(x), static_cast<const double*>(y), n, r0, r1);
  return lessonMaxTyped<float>(static_cast<const float*>(x), static_cast<const float*>(y), n, r0, r1);
}

}  // namespace VLAB_ISA
}  // namespace vlab
