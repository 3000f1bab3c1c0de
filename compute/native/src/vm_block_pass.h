// One pass of a program over one block of kBlock elements: the per-thread
// registers carved out of the caller's scratch (Frame), the reads that fill a
// register (a strided gather, converting the dtype, or one value), the
// loop-invariant scalar prefix, and the vector instructions, whose loads the
// caller supplies (vm_rows.h, vm_eval_range.h). A pass runs every vector
// instruction, or, with the row cache, only the row-invariant ones (storing
// what the others read) or all but those (reading them back).
// Part of vm_isa_copy.h.
#pragma once

namespace vlab {
namespace VLAB_ISA {

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
  if (source.dtype == DType::Float64)
    gatherRun(dst, static_cast<const double*>(source.data), offset, stride, n);
  else
    gatherRun(dst, static_cast<const float*>(source.data), offset, stride, n);
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

// ---- registers and the scalar prefix ----------------------------------------

/** Per-thread registers, carved out of the caller's scratch. */
template <class T>
struct Frame {
  T* blocks;      // numRegs × kBlock
  T* spare;       // 2 × kBlock, for broadcasting scalar operands
  T* rowCache;    // rowCacheSlots × rowLength: row-invariant values (Launch::rowCacheSlot)
  const T** vec;  // per register: the current block (its own, or straight into an input)
  T* scal;        // per register: the value when it is a scalar
  explicit Frame(const Launch& L, void* scratch) {
    const int regs = L.program->numRegs;
    char* p = static_cast<char*>(scratch);
    p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(p) + 63) & ~uintptr_t(63));
    blocks = reinterpret_cast<T*>(p);
    spare = blocks + size_t(regs) * kBlock;
    rowCache = spare + 2 * size_t(kBlock);
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
    if (in.op == Op::LOAD)
      v = readOne<T>(L.reads[size_t(in.a)], bases[in.a]);
    else if (in.op == Op::CONST)
      v = T(P.consts[size_t(in.a)]);
    else
      v = scalar::apply<T>(in.op, F.scal[in.a], F.scal[in.b], in.imm);
    F.scal[in.dst] = v;
  }
}

// ---- the vector instructions ------------------------------------------------

/** Which vector instructions a pass over a block runs. */
enum class Pass {
  All,        // every one
  Varying,    // all but the row-invariant ones, whose values come from the row cache
  Invariant,  // only the row-invariant ones, storing what the varying ones read into the row cache
};

/**
 * Runs the vector instructions over one block of n elements whose output
 * starts at `out` and that starts `column` elements into its row.
 * `load(instr, dst)` fills a read's block (or returns a pointer straight
 * into the input).
 */
template <Pass pass, class T, class Load>
inline void runVectors(const Launch& L, Frame<T>& F, T* out, int64_t column, int n, Load load) {
  const Program& P = *L.program;
  const int last = int(P.code.size()) - 1;
  for (int i = L.firstVector; i <= last; i++) {
    const Instr& in = P.code[size_t(i)];
    T* dst = (i == last && L.directResult) ? out : F.own(in.dst);
    if constexpr (pass != Pass::All) {
      const bool invariant = L.rowInvariant[size_t(i)] != 0;
      const int32_t slot = L.rowCacheSlot[size_t(i)];
      if constexpr (pass == Pass::Varying) {
        if (invariant && in.op != Op::LOAD) {
          if (slot >= 0) F.vec[in.dst] = F.rowCache + size_t(slot) * size_t(L.rowLength) + column;
          continue;
        }
      } else {
        if (!invariant) continue;
        if (slot >= 0) dst = F.rowCache + size_t(slot) * size_t(L.rowLength) + column;
      }
    }
    if (in.op == Op::LOAD) {
      F.vec[in.dst] = load(in, dst);
      continue;
    }
    if (in.op == Op::CONST) {  // a constant never sits past the scalar prefix, but stay total
      F.scal[in.dst] = T(P.consts[size_t(in.a)]);
      continue;
    }
    const Operand<T> a{L.aScalar[size_t(i)] ? nullptr : F.vec[in.a], F.scal[in.a]};
    const int32_t bReg = in.b >= 0 && in.b < P.numRegs ? in.b : 0;
    const Operand<T> b{L.bScalar[size_t(i)] ? nullptr : F.vec[bReg], F.scal[bReg]};
    if constexpr (pass != Pass::Invariant) {
      if (L.fuseWithNext[size_t(i)]) {
        const Instr& next = P.code[size_t(i) + 1];
        T* const pairDst = (i + 1 == last && L.directResult) ? out : F.own(next.dst);
        const bool scalarFirst = a.block == nullptr;
        const bool fusedFirst = next.a == in.dst;
        const T* other = F.vec[fusedFirst ? next.b : next.a];
        fusedPair<T>(in.op, next.op, scalarFirst, fusedFirst, pairDst, scalarFirst ? a.value : b.value,
                     scalarFirst ? b.block : a.block, other, n);
        F.vec[next.dst] = pairDst;
        i++;
        continue;
      }
    }
    vectorOp<T>(in, dst, a, b, n, F.spare);
    F.vec[in.dst] = dst;
  }
  if constexpr (pass == Pass::Invariant) return;
  if (L.directResult) return;
  if (L.resultScalar) {
    const T v = F.scal[P.resultReg];
    for (int j = 0; j < n; j++) out[j] = v;
  } else {
    const T* r = F.vec[P.resultReg];
    for (int j = 0; j < n; j++) out[j] = r[j];
  }
}

}  // namespace VLAB_ISA
}  // namespace vlab
