// A part of a run walked row by row (row mode: the reads' strides allow it),
// and the row cache. Per row, the reads' offsets are set once and the scalar
// prefix reruns; each block then reads a contiguous input straight from it.
// Vector work that depends on the inner axis alone (Launch::rowInvariant, the
// slots planned by program.cc) is computed once per part, over one row, into
// the row cache, and every later block reads it from there rather than
// computing it again, when the part spans rows enough for that to pay.
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

/** Evaluates output elements [begin, end) (begin < end) in row mode; false when cancelled part-way. */
template <class T>
inline bool evalRows(const Launch& L, Frame<T>& F, T* const out, std::vector<int64_t>& base, int64_t begin, int64_t end,
                     Progress& progress, Reducer<T>* reducer) {
  const int rank = L.rank;
  const size_t numReads = L.reads.size();
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
      if (cancelled(L)) return false;
      const int n = int(std::min<int64_t>(kBlock, c1 - c));
      T* const o = reducer ? reducer->block : out + row * rowLength + c;
      if (cached)
        runVectors<Pass::Varying, T>(L, F, o, c, n, rowLoad(c, n));
      else
        runVectors<Pass::All, T>(L, F, o, c, n, rowLoad(c, n));
      if (reducer) reducer->fold(o, n, row * rowLength + c);
      progress.blockDone(n);
    }
    e += c1 - c0;
  }
  progress.report();
  return true;
}

}  // namespace VLAB_ISA
}  // namespace vlab
