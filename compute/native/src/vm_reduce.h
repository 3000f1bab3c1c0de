// A fused map-reduce's accumulator (Launch::reduceKind): each block the
// program computes lands in one scratch block and is folded here, so the
// map's values are never stored. Sums add each block in eight float64 lanes,
// then join the part's running total with Neumaier's compensation (a float32
// sum is as accurate as float64 arithmetic allows, a float64 one better than
// NumPy's pairwise sum); max and min keep the first index of the extreme and
// let NaN win, as np.max and np.argmax do. At the end of each output element
// (or of the part) the value and its index go to Launch::partials.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

template <class T>
class Reducer {
 public:
  T* const block;

  Reducer(const Launch& L, T* scratchBlock, int64_t begin) : block(scratchBlock), L_(L), slot_(partSlot(L, begin)) {}

  /** Folds n values whose first has loop index `start`. */
  void fold(const T* v, int n, int64_t start) {
    while (n > 0) {
      const int64_t segment = L_.reduceSegments == 1 ? 0 : start / L_.reduceLength;
      if (segment != segment_) {
        flush();
        open(segment);
      }
      const int64_t end = L_.reduceSegments == 1 ? start + n : (segment + 1) * L_.reduceLength;
      const int piece = int(std::min<int64_t>(n, end - start));
      foldPiece(v, piece, start - segment * L_.reduceLength);
      v += piece;
      n -= piece;
      start += piece;
    }
  }

  /** Writes the open output element's partial. */
  void flush() {
    if (segment_ < 0) return;
    const int64_t slot = L_.reduceSegments == 1 ? slot_ : segment_;
    // A sum that reached an infinity or NaN is that: its compensation (inf - inf) means nothing, as in NumPy.
    L_.partials[2 * slot] = std::isfinite(sum_) ? sum_ + comp_ : sum_;
    L_.partials[2 * slot + 1] = double(index_);
    if (L_.reduceKind != ReduceKind::Sum) L_.partials[2 * slot] = double(best_);
    segment_ = -1;
  }

 private:
  /** The part that starts at `begin`, when one output element is split over reduceParts parts (partition.h's split). */
  static int64_t partSlot(const Launch& L, int64_t begin) {
    const int64_t parts = std::max<int64_t>(1, L.reduceParts);
    const int64_t q = L.size / parts, r = L.size % parts;
    if (begin < (q + 1) * r) return begin / (q + 1);
    return q == 0 ? 0 : r + (begin - (q + 1) * r) / q;
  }

  void open(int64_t segment) {
    segment_ = segment;
    sum_ = comp_ = 0;
    index_ = -1;
    best_ = T(0);
  }

  void foldPiece(const T* v, int n, int64_t at) {
    if (L_.reduceKind == ReduceKind::Sum) {
      double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int j = 0;
      for (; j + 8 <= n; j += 8)
        for (int k = 0; k < 8; k++) lanes[k] += double(v[j + k]);
      for (; j < n; j++) lanes[j & 7] += double(v[j]);
      add((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])));
      return;
    }
    const bool greater = L_.reduceKind == ReduceKind::Max;
    bool bad = false;
    const T m = greater ? blockExtreme<true>(v, n, bad) : blockExtreme<false>(v, n, bad);
    if (index_ >= 0 && best_ != best_) return;  // a NaN already won, at an earlier index
    if (bad) {
      int j = 0;
      while (v[j] == v[j]) j++;
      best_ = v[j];
      index_ = at + j;
      return;
    }
    if (index_ >= 0 && !(greater ? m > best_ : m < best_)) return;
    int j = 0;
    while (!(v[j] == m)) j++;
    best_ = v[j];  // the first of equals, as np.argmax: of -0 and +0, the first one's sign
    index_ = at + j;
  }

  void add(double y) {
    const double t = sum_ + y;
    comp_ += std::fabs(sum_) >= std::fabs(y) ? (sum_ - t) + y : (y - t) + sum_;
    sum_ = t;
  }

  const Launch& L_;
  const int64_t slot_;
  int64_t segment_ = -1;
  double sum_ = 0, comp_ = 0;
  int64_t index_ = -1;
  T best_ = T(0);
};

}  // namespace VLAB_ISA
}  // namespace vlab
