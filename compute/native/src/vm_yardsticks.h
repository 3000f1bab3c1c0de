// The yardsticks the evaluator is measured against, compiled in the same
// instruction-set copy: streamFill, the physical floor (writing the output at
// the memory's bandwidth, with streaming stores), and lessonRows, the
// lesson's f written by hand over the same blocks and the same libmvec cos.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

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

/**
 * The lesson's fused max, written by hand: the same blocks, the same libmvec
 * cos and the same quotient as lessonRows, each block folded into a running
 * maximum (NaN wins, as np.max) instead of stored. The fused map-reduce
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
      for (int j = 0; j < m; j++) {
        const T z = c[j] / (T(1) + r[j]);
        best = z > best ? z : best;
        bad |= z != z;
      }
    }
  }
  return bad ? std::numeric_limits<double>::quiet_NaN() : double(best);
}

double lessonMax(const void* x, const void* y, DType dtype, int64_t n, int64_t r0, int64_t r1) {
  if (dtype == DType::Float64) return lessonMaxTyped<double>(static_cast<const double*>(x), static_cast<const double*>(y), n, r0, r1);
  return lessonMaxTyped<float>(static_cast<const float*>(x), static_cast<const float*>(y), n, r0, r1);
}

}  // namespace VLAB_ISA
}  // namespace vlab
