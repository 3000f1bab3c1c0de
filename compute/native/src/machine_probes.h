// The machine view's probes, compiled in each instruction-set copy: a read
// loop and a write loop over a working set (the memory mountain and the
// L1/L2/L3/DRAM plateaus) and an FMA loop with no memory traffic (the
// compute roof). Plain templates over the element type; the only per-copy
// facts are the vector width (kProbeVecBytes) and the streaming store, which
// the write floor shares (vm_yardsticks.h). Writes are non-zero and varying,
// as a real output is: some platforms write zeros faster. Part of
// vm_isa_copy.h; never allocates.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/** Bytes one vector instruction of this copy holds. */
constexpr int kProbeVecBytes = VLAB_ISA_LEVEL == 3 ? 64 : VLAB_ISA_LEVEL == 2 ? 32 : 16;

/** Independent accumulators: enough vectors to hide the add latency behind two loads per cycle. */
template <class T>
__attribute__((noinline)) T readSum(const T* p, int64_t n) {
  constexpr int kLanes = 8 * kProbeVecBytes / int(sizeof(T));
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; k++) acc[k] += p[i + k];
  T sum = 0;
  for (; i < n; i++) sum += p[i];
  for (int k = 0; k < kLanes; k++) sum += acc[k];
  return sum;
}

/** The value written at element i of a period: start + (i mod kPeriod) · step, in [0.25, 0.75). */
constexpr int kWritePeriod = 1024;

/** Ordinary stores of varying values over [0, n): per vector, one broadcast base plus a constant ramp. */
template <class T>
__attribute__((noinline)) void writeVarying(T* out, int64_t n) {
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
#if VLAB_ISA_LEVEL >= 1
  constexpr int64_t kLanes = kProbeVecBytes / int64_t(sizeof(T));
  while (i < end && (reinterpret_cast<uintptr_t>(out + i) % kProbeVecBytes) != 0) {
    out[i] = T(0.25) + T(i % kWritePeriod) * step;
    i++;
  }
  alignas(64) T lanes[kLanes];
  for (; i + kLanes <= end; i += kLanes) {
    const int64_t phase = i % kWritePeriod;
    for (int k = 0; k < kLanes; k++) lanes[k] = T(0.25) + T(phase + k) * step;
    // One per-copy line: the widest non-temporal store (glibc targets only, as the floor always was).
    if constexpr (sizeof(T) == 8) {
#if VLAB_ISA_LEVEL == 3
      _mm512_stream_pd(reinterpret_cast<double*>(out + i), _mm512_load_pd(reinterpret_cast<const double*>(lanes)));
#elif VLAB_ISA_LEVEL == 2
      _mm256_stream_pd(reinterpret_cast<double*>(out + i), _mm256_load_pd(reinterpret_cast<const double*>(lanes)));
#else
      _mm_stream_pd(reinterpret_cast<double*>(out + i), _mm_load_pd(reinterpret_cast<const double*>(lanes)));
#endif
    } else {
#if VLAB_ISA_LEVEL == 3
      _mm512_stream_ps(reinterpret_cast<float*>(out + i), _mm512_load_ps(reinterpret_cast<const float*>(lanes)));
#elif VLAB_ISA_LEVEL == 2
      _mm256_stream_ps(reinterpret_cast<float*>(out + i), _mm256_load_ps(reinterpret_cast<const float*>(lanes)));
#else
      _mm_stream_ps(reinterpret_cast<float*>(out + i), _mm_load_ps(reinterpret_cast<const float*>(lanes)));
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
__attribute__((noinline)) T fmaLoop(int64_t iterations) {
  constexpr int kLanes = kFmaVectors * kProbeVecBytes / int(sizeof(T));
  T acc[kLanes];
  for (int k = 0; k < kLanes; k++) acc[k] = T(1) + T(k) * T(1e-3);
  // acc → acc · a + b converges to b / (1 − a) = 1: finite however long it runs.
  const T a = T(0.999), b = T(0.001);
  for (int64_t it = 0; it < iterations; it++)
    for (int k = 0; k < kLanes; k++) {
#if VLAB_ISA_LEVEL >= 2
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
  return 2 * kFmaVectors * kProbeVecBytes / (dtype == DType::Float64 ? 8 : 4);
}

/** kind 0: read, 1: ordinary stores, 2: streaming stores; over elements [0, n) of `data`, `passes` times. */
double probeMemory(void* data, DType dtype, int64_t n, int kind, int passes) {
  double sink = 0;
  for (int pass = 0; pass < passes; pass++) {
    if (dtype == DType::Float64) {
      double* p = static_cast<double*>(data);
      if (kind == 0) sink += readSum<double>(p, n);
      else if (kind == 1) writeVarying<double>(p, n);
      else streamVarying<double>(p, 0, n);
    } else {
      float* p = static_cast<float*>(data);
      if (kind == 0) sink += readSum<float>(p, n);
      else if (kind == 1) writeVarying<float>(p, n);
      else streamVarying<float>(p, 0, n);
    }
  }
  return sink;
}

/** Runs the FMA loop; returns its flops (the loop's result kept so that it is not optimized away). */
double probeFma(DType dtype, int64_t iterations, double* sink) {
  *sink += dtype == DType::Float64 ? fmaLoop<double>(iterations) : double(fmaLoop<float>(iterations));
  return double(iterations) * double(fmaFlopsPerIteration(dtype));
}

int probeVecBytes() { return kProbeVecBytes; }

}  // namespace VLAB_ISA
}  // namespace vlab
