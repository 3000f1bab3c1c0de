// The yardsticks the evaluator is measured against, compiled in the same
// instruction-set copy: streamFill, the physical floor (writing the output at
// the memory's bandwidth, with streaming stores of non-zero, varying values
// as the real output holds), and lessonRows, the
// lesson's f written by hand over the same blocks and the same libmvec cos.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

void streamFill(void* out, DType dtype, int64_t begin, int64_t end) {
  // Non-zero, varying values (machine_probes.h), as the real output's are: some platforms write zeros faster.
  if (dtype == DType::Float64) streamVarying<double>(static_cast<double*>(out), begin, end);
  else streamVarying<float>(static_cast<float*>(out), begin, end);
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
