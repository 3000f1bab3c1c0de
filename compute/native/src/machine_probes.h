// The machine view's probes, compiled in each instruction-set copy: a read
// loop and a write loop over a working set (the memory mountain and the
// L1/L2/L3/DRAM plateaus) and an FMA loop with no memory traffic (the
// compute roof). Plain templates over the element type; the only per-copy
// facts are the vector width (kProbeVecBytes, the target's lanes) and the streaming store, which
// the write floor shares (vm_yardsticks.h). Writes are non-zero and varying,
// as a real output is: some platforms write zeros faster. Part of
// vm_isa_copy.h; never allocates.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/** Bytes one vector instruction of this copy holds (the target's flags say: -mavx512f, -mavx2, …). */
#if defined(__AVX512F__)
constexpr int kProbeVecBytes = 64;
#elif defined(__AVX__)
constexpr int kProbeVecBytes = 32;
#else
constexpr int kProbeVecBytes = 16;
#endif
/** Values of T one vector holds: the target's lanes (one for the scalar copy). */
template <class T>
constexpr int probeLanes() {
  return sizeof(T) == 8 ? kLanesD : kLanesF;
}

/**
 * Sums p[0, n) `passes` times. Independent accumulators (enough vectors to hide the add latency behind two
 * loads per cycle), kept across passes: an L1-sized set is a few dozen iterations, and a reduction per
 * pass would cost as much as the reads.
 */
template <class T>
VLAB_NOINLINE T readSum(const T* p, int64_t n, int passes) {
  constexpr int kLanes = 8 * kProbeVecBytes / int(sizeof(T));  // 8 vectors' worth, in any copy
  T acc[kLanes] = {};
  T sum = 0;
  for (int pass = 0; pass < passes; pass++) {
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (int k = 0; k < kLanes; k++) acc[k] += p[i + k];
    for (; i < n; i++) sum += p[i];
  }
  for (int k = 0; k < kLanes; k++) sum += acc[k];
  return sum;
}

/** The value written at element i: 0.25 + (i mod kWritePeriod) · 0.5 / kWritePeriod, in [0.25, 0.75). */
constexpr int kWritePeriod = 1024;
static_assert((kWritePeriod & (kWritePeriod - 1)) == 0, "the period is a power of two: lanes wrap it with a mask");

/** Ordinary stores of varying values over [0, n): per vector, one broadcast base plus a constant ramp. */
template <class T>
VLAB_NOINLINE void writeVarying(T* out, int64_t n) {
  constexpr int kLanes = kProbeVecBytes / int(sizeof(T));
  const T step = T(0.5) / T(kWritePeriod);
  alignas(64) T ramp[kLanes];
  for (int k = 0; k < kLanes; k++) ramp[k] = T(k) * step;
  for (int64_t c = 0; c < n; c += kWritePeriod) {
    const int64_t m = std::min<int64_t>(kWritePeriod, n - c);
    T* o = out + c;
    int64_t j = 0;
    for (; j + kLanes <= m; j += kLanes) {
      const T base = T(0.25) + T(int(j)) * step;
      for (int k = 0; k < kLanes; k++) o[j + k] = base + ramp[k];
    }
    for (; j < m; j++) o[j] = T(0.25) + T(int(j)) * step;
  }
}

/** The same values as writeVarying with streaming (non-temporal) stores, past the caches: DRAM's write bandwidth. */
template <class T>
void streamVarying(T* out, int64_t begin, int64_t end) {
  const T step = T(0.5) / T(kWritePeriod);
  int64_t i = begin;
#if VLAB_X86 && defined(VLAB_XSIMD_ARCH) && defined(__GNUC__)
  constexpr int64_t kLanes = kProbeVecBytes / int64_t(sizeof(T));
  while (i < end && (reinterpret_cast<uintptr_t>(out + i) % kProbeVecBytes) != 0) {
    out[i] = T(0.25) + T(i % kWritePeriod) * step;
    i++;
  }
  // A GNU vector of this copy's width: the same type as the intrinsics' __m512 / __m256d / …
  typedef T Vec __attribute__((vector_size(kProbeVecBytes)));
  Vec ramp;
  for (int k = 0; k < kLanes; k++) ramp[k] = T(k) * step;
  for (; i + kLanes <= end; i += kLanes) {
    // The buffer's alignment, not the period, decides where vectors start: once a period a vector crosses its end.
    const uint32_t phase = uint32_t(i) & uint32_t(kWritePeriod - 1);
    Vec lanes = (T(0.25) + T(int32_t(phase)) * step) + ramp;
    if (phase + kLanes > uint32_t(kWritePeriod)) {
      for (int k = 0; k < kLanes; k++)
        lanes[k] = T(0.25) + T(int32_t((phase + uint32_t(k)) & uint32_t(kWritePeriod - 1))) * step;
    }
    // One per-copy line: the widest non-temporal store (glibc targets only, as the floor always was).
    if constexpr (sizeof(T) == 8) {
#if defined(__AVX512F__)
      _mm512_stream_pd(reinterpret_cast<double*>(out + i), lanes);
#elif defined(__AVX__)
      _mm256_stream_pd(reinterpret_cast<double*>(out + i), lanes);
#else
      _mm_stream_pd(reinterpret_cast<double*>(out + i), lanes);
#endif
    } else {
#if defined(__AVX512F__)
      _mm512_stream_ps(reinterpret_cast<float*>(out + i), lanes);
#elif defined(__AVX__)
      _mm256_stream_ps(reinterpret_cast<float*>(out + i), lanes);
#else
      _mm_stream_ps(reinterpret_cast<float*>(out + i), lanes);
#endif
    }
  }
  _mm_sfence();
#endif
  for (; i < end; i++) out[i] = T(0.25) + T(i % kWritePeriod) * step;
}

/** kVectors independent FMA chains of one vector each, iterations times: 2 · kVectors · lanes flops per iteration. */
constexpr int kFmaVectors = 12;

template <class T>
VLAB_NOINLINE T fmaLoop(int64_t iterations) {
  constexpr int kLanes = kFmaVectors * probeLanes<T>();
  T acc[kLanes];
  for (int k = 0; k < kLanes; k++) acc[k] = T(1) + T(k) * T(1e-3);
  // acc → acc · a + b converges to b / (1 − a) = 1: finite however long it runs.
  const T a = T(0.999), b = T(0.001);
  for (int64_t it = 0; it < iterations; it++)
    for (int k = 0; k < kLanes; k++) {
#if defined(__FMA__)
      acc[k] = std::fma(acc[k], a, b);
#else
      acc[k] = acc[k] * a + b;
#endif
    }
  T sum = 0;
  for (int k = 0; k < kLanes; k++) sum += acc[k];
  return sum;
}

/** Flops one fmaLoop iteration does (an FMA counts two). */
inline int64_t fmaFlopsPerIteration(DType dtype) {
  return 2 * kFmaVectors * (dtype == DType::Float64 ? probeLanes<double>() : probeLanes<float>());
}

/** kind 0: read, 1: ordinary stores, 2: streaming stores; over elements [0, n) of `data`, `passes` times. */
double probeMemory(void* data, DType dtype, int64_t n, int kind, int passes) {
  if (kind == 0) {
    return dtype == DType::Float64 ? readSum<double>(static_cast<const double*>(data), n, passes)
                                   : double(readSum<float>(static_cast<const float*>(data), n, passes));
  }
  for (int pass = 0; pass < passes; pass++) {
    if (dtype == DType::Float64) {
      double* p = static_cast<double*>(data);
      if (kind == 1)
        writeVarying<double>(p, n);
      else
        streamVarying<double>(p, 0, n);
    } else {
      float* p = static_cast<float*>(data);
      if (kind == 1)
        writeVarying<float>(p, n);
      else
        streamVarying<float>(p, 0, n);
    }
  }
  return 0;
}

/** Runs the FMA loop; returns its flops (the loop's result kept so that it is not optimized away). */
double probeFma(DType dtype, int64_t iterations, double* sink) {
  *sink += dtype == DType::Float64 ? fmaLoop<double>(iterations) : double(fmaLoop<float>(iterations));
  return double(iterations) * double(fmaFlopsPerIteration(dtype));
}

}  // namespace VLAB_ISA
}  // namespace vlab
