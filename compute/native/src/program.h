// The bytecode a FusedKernel is lowered to, the validator that checks it at
// the boundary (nothing from JavaScript runs before it passes), and the
// per-run launch description the VM reads. Plain data: no Node-API here, so
// the VM translation units stay free of it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace vlab {

/** Bytecode format version; the TypeScript lowering writes the same number. */
constexpr int32_t kBytecodeVersion = 1;
/** Elements per block: every register holds one block; a few registers stay in L1/L2. */
constexpr int kBlock = 1024;
constexpr int kMaxRank = 32;
constexpr int kMaxRegisters = 1024;
constexpr int kMaxInstructions = 1 << 16;
/** A thread adds its finished elements to the run's progress at most this often (and at the end of its part). */
constexpr int64_t kProgressElements = 64 * kBlock;
/** The row cache holds at most this many bytes per thread (it should stay in L2 beside the registers). */
constexpr size_t kMaxRowCacheBytes = 512 * 1024;
/** Rows at least this long are evaluated row by row, with row-invariant work hoisted out. */
constexpr int64_t kMinRowLength = 64;

enum class DType : int32_t { Float32 = 0, Float64 = 1 };

/** The opcodes of opcodes.h. A switch over them has no default arm: -Werror=switch makes a missing case a compile
 * error. */
enum class Op : int32_t {
#define VLAB_OPCODE(name, code, arity, primitive) name = code,
#define VLAB_SCALAR(...)
#define VLAB_VECTOR(...)
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
};

/** Operands an opcode takes from registers (LOAD and CONST take theirs from the instruction). */
constexpr int arityOf(Op op) {
  switch (op) {
#define VLAB_OPCODE(name, code, arity, primitive) \
  case Op::name:                                  \
    return arity;
#define VLAB_SCALAR(...)
#define VLAB_VECTOR(...)
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
  }
  return 0;
}

struct OpcodeInfo {
  const char* name;
  int32_t code;
  int32_t arity;
  const char* primitive;
};
const std::vector<OpcodeInfo>& opcodeTable();

/** One instruction: dst = op(a, b). LOAD: a = read slot. CONST: a = constant slot. INTEGER_POW: imm = exponent. */
struct Instr {
  Op op;
  int32_t depth, dst, a, b, imm;
};
constexpr int kHeaderInts = 8;
constexpr int kInstrInts = 6;

/** A validated program. Instructions are sorted by loop depth (invariant work first). */
struct Program {
  DType dtype = DType::Float64;
  int rank = 0;
  int numInputs = 0;
  int numRegs = 0;
  int resultReg = 0;
  std::vector<int32_t> readInput;  // graph input of each read slot
  std::vector<double> consts;
  std::vector<Instr> code;
};

/**
 * Parses and validates bytecode. Layout (int32):
 *   [version, dtype, rank, numInputs, numReads, numRegs, numInstr, resultReg,
 *    readInput × numReads, (op, depth, dst, a, b, imm) × numInstr]
 * Returns "" and fills `out`, or a message saying what is wrong.
 */
std::string parseProgram(const int32_t* words, size_t count, const double* consts, size_t numConsts, Program& out);

enum class ReduceKind : int32_t { None = 0, Sum = 1, Max = 2, Min = 3 };

/** A typed source of one read: its base pointer and element type. */
struct Source {
  const void* data = nullptr;
  DType dtype = DType::Float64;
};

/** Everything one run needs, resolved and bounds-checked before any thread starts. */
struct Launch {
  const Program* program = nullptr;
  int rank = 0;
  int64_t shape[kMaxRank] = {};
  int64_t size = 0;
  int64_t rowLength = 1;
  /** Row mode: instructions with depth < rank are scalars recomputed per row. Flat mode: only depth 0 ones. */
  bool rowMode = false;
  int splitDepth = 0;
  /** Index of the first vector instruction (instructions before it are scalars). */
  int firstVector = 0;
  std::vector<Source> reads;
  std::vector<int64_t> readOffset;   // per read
  std::vector<int64_t> readStrides;  // per read × rank, element strides along output axes
  /** Per instruction: whether operand a / b is a scalar register at that point. */
  std::vector<uint8_t> aScalar, bScalar;
  bool resultScalar = false;
  /** When the last instruction computes the result as a vector op, it writes straight into the output. */
  bool directResult = false;
  /**
   * Row mode, rank ≥ 2: vector work that does not vary along any outer axis
   * (y² when y is the inner axis of the lesson's grid) is the same for every
   * row. Per instruction: whether it is such work (computed once per part,
   * over one row, then skipped block by block), and the row-cache slot that
   * keeps its value for the instructions that vary (-1: not needed by them).
   */
  std::vector<uint8_t> rowInvariant;
  std::vector<int32_t> rowCacheSlot;
  int rowCacheSlots = 0;
  /**
   * Per instruction: 1 when it is an arithmetic op (+ − × ÷) with one scalar
   * operand whose result only the next instruction, also + − × ÷ on blocks,
   * reads: the two run as one loop, as the same two operations in the same
   * order (so the same bits), one pass over the block instead of two.
   */
  std::vector<uint8_t> fuseWithNext;
  void* out = nullptr;

  /**
   * A fused map-reduce (reduceKind != None): the program's values are never
   * stored; output element k reduces loop elements [k·reduceLength,
   * (k+1)·reduceLength) into two doubles at partials[2·slot] (the value: a
   * sum, or the extreme) and partials[2·slot + 1] (the extreme's index in
   * its run, -1: none). With one output element, each part has its own slot
   * (the part's index among reduceParts) and the caller combines them; with
   * several, parts hold whole output elements and the slot is the element.
   */
  ReduceKind reduceKind = ReduceKind::None;
  int64_t reduceLength = 1;
  int64_t reduceSegments = 1;
  int64_t reduceParts = 1;
  double* partials = nullptr;

  std::atomic<bool>* cancelled = nullptr;
  std::atomic<int64_t>* doneElements = nullptr;
  /** Called after each block with the elements finished so far (may be null). */
  void (*onBlock)(void* context) = nullptr;
  void* onBlockContext = nullptr;
};

/**
 * Fills in the derived fields (mode, operand kinds) and checks the geometry:
 * every element a read can reach lies inside its buffer, and reads compiled
 * as invariant along an axis really are. Returns "" or the problem.
 */
std::string prepareLaunch(Launch& launch, const int64_t* sourceLengths);

/** Bytes of per-thread scratch a run of this launch needs. */
size_t scratchBytes(const Launch& launch);

}  // namespace vlab
