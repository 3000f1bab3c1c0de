// evalRange, the entry point a pool task calls: evaluates output elements
// [begin, end) of a launch block by block, in row mode (vm_rows.h, with the
// row cache) where the reads allow it, else in flat mode, where blocks run
// across rows, each read gathered by walking its index, and only depth-0
// work is hoisted. Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

template <class T>
bool evalRangeTyped(const Launch& L, int64_t begin, int64_t end, void* scratch) {
  // An empty range reads nothing: the bounds check let empty inputs through, so even loop-invariant reads must not run.
  if (begin >= end) return true;
  Frame<T> F(L, scratch);
  T* const out = static_cast<T*>(L.out);
  std::vector<int64_t>& base = threadBases(L.reads.size());
  Progress progress(L);
  // A map-reduce writes each block to one block of scratch after the row cache and folds it there.
  Reducer<T> reducing(L, F.rowCache + size_t(L.rowCacheSlots) * size_t(L.rowLength), begin);
  Reducer<T>* const reducer = L.reduceKind != ReduceKind::None ? &reducing : nullptr;
  if (L.rowMode) {
    if (!evalRows<T>(L, F, out, base, begin, end, progress, reducer)) return false;
    if (reducer) reducer->flush();
    return true;
  }

  // Flat mode: blocks run across rows; only depth-0 work is hoisted.
  const int rank = L.rank;
  for (size_t r = 0; r < L.reads.size(); r++) base[r] = L.readOffset[r];
  runScalars<T>(L, F, base.data());
  for (int64_t b = begin; b < end; b += kBlock) {
    if (cancelled(L)) return false;
    const int n = int(std::min<int64_t>(kBlock, end - b));
    int64_t start[kMaxRank];
    int64_t rest = b;
    for (int a = rank - 1; a >= 0; a--) {
      start[a] = rest % L.shape[a];
      rest /= L.shape[a];
    }
    T* const o = reducer ? reducer->block : out + b;
    runVectors<Pass::All, T>(L, F, o, 0, n, [&](const Instr& in, T* dst) -> const T* {
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
    if (reducer) reducer->fold(o, n, b);
    progress.blockDone(n);
  }
  if (reducer) reducer->flush();
  progress.report();
  return true;
}

bool evalRange(const Launch& L, int64_t begin, int64_t end, void* scratch) {
  return L.program->dtype == DType::Float64 ? evalRangeTyped<double>(L, begin, end, scratch)
                                            : evalRangeTyped<float>(L, begin, end, scratch);
}

}  // namespace VLAB_ISA
}  // namespace vlab
