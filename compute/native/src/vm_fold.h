// The fold of a block into its extreme, shared by the fused map-reduce
// (vm_reduce.h) and its hand-written yardstick (vm_yardsticks.h), so that
// the two are held to the same fold. Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/**
 * The largest (greater) or smallest value of v[0..n), n ≥ 1, and whether any is NaN (then the value is
 * meaningless: the caller finds the first NaN). A max folded element by element is a chain of dependent
 * compares, 4 cycles each, which the compiler may not vectorize (the ternary's NaN rule is not associative):
 * here four vector accumulators, NaN tracked apart, as the fused map-reduce and its yardstick both fold.
 */
template <bool greater, class T>
inline T blockExtreme(const T* v, int n, bool& anyNaN) {
  int j = 0;
  T m = v[0];
  bool nan = false;
#ifdef VLAB_XSIMD_ARCH
  using V = xsimd::batch<T, Arch>;
  constexpr int W = int(V::size);
  if (n >= 4 * W) {
    V m0 = V::load_unaligned(v), m1 = m0, m2 = m0, m3 = m0;
    auto bad = m0 != m0;
    const auto pick = [](const V& a, const V& b) { return greater ? xsimd::max(a, b) : xsimd::min(a, b); };
    for (; j + 4 * W <= n; j += 4 * W) {
      const V a = V::load_unaligned(v + j), b = V::load_unaligned(v + j + W);
      const V c = V::load_unaligned(v + j + 2 * W), d = V::load_unaligned(v + j + 3 * W);
      m0 = pick(m0, a), m1 = pick(m1, b), m2 = pick(m2, c), m3 = pick(m3, d);
      bad = bad | (a != a) | (b != b) | (c != c) | (d != d);
    }
    alignas(64) T lanes[W];
    pick(pick(m0, m1), pick(m2, m3)).store_aligned(lanes);  // xsimd 8.1 has no reduce_max
    m = lanes[0];
    for (int k = 1; k < W; k++) m = greater ? (lanes[k] > m ? lanes[k] : m) : (lanes[k] < m ? lanes[k] : m);
    nan = xsimd::any(bad);
  }
#endif
  for (; j < n; j++) {
    const T x = v[j];
    m = greater ? (x > m ? x : m) : (x < m ? x : m);
    nan |= x != x;
  }
  anyNaN = nan;
  return m;
}

}  // namespace VLAB_ISA
}  // namespace vlab
