// Bytecode validation and launch preparation: the boundary checks that make
// a buggy or hostile program an error message instead of a wild pointer.

#include "program.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace vlab {

const std::vector<OpcodeInfo>& opcodeTable() {
  static const std::vector<OpcodeInfo> table = {
#define VLAB_OPCODE(name, code, arity, primitive) {#name, code, arity, primitive},
#define VLAB_SCALAR(...)
#define VLAB_VECTOR(...)
#include "opcodes.h"
#undef VLAB_OPCODE
#undef VLAB_SCALAR
#undef VLAB_VECTOR
  };
  return table;
}

static const OpcodeInfo* findOpcode(int32_t code) {
  const auto& table = opcodeTable();
  for (const auto& info : table)
    if (info.code == code) return &info;
  return nullptr;
}

template <class... Parts>
static std::string message(const Parts&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return s.str();
}

std::string parseProgram(const int32_t* w, size_t count, const double* consts, size_t numConsts, Program& out) {
  if (count < kHeaderInts)
    return message("bytecode has ", count, " words, fewer than its ", kHeaderInts, "-word header");
  if (w[0] != kBytecodeVersion)
    return message("bytecode version ", w[0], " is not the addon's ", kBytecodeVersion,
                   ": rebuild the addon (npm run build:native)");
  if (w[1] != 0 && w[1] != 1) return message("bytecode dtype ", w[1], " is neither float32 (0) nor float64 (1)");
  const int32_t rank = w[2], numInputs = w[3], numReads = w[4], numRegs = w[5], numInstr = w[6], resultReg = w[7];
  if (rank < 0 || rank > kMaxRank) return message("rank ", rank, " is outside 0..", kMaxRank);
  if (numInputs < 0 || numReads < 0 || numReads > kMaxInstructions)
    return message("bad input/read counts ", numInputs, "/", numReads);
  if (numRegs < 1 || numRegs > kMaxRegisters)
    return message("register count ", numRegs, " is outside 1..", kMaxRegisters);
  if (numInstr < 1 || numInstr > kMaxInstructions)
    return message("instruction count ", numInstr, " is outside 1..", kMaxInstructions);
  const size_t expected = kHeaderInts + size_t(numReads) + size_t(numInstr) * kInstrInts;
  if (count != expected) return message("bytecode has ", count, " words but its header describes ", expected);
  if (resultReg < 0 || resultReg >= numRegs) return message("result register ", resultReg, " is out of range");

  out = Program{};
  out.dtype = w[1] == 0 ? DType::Float32 : DType::Float64;
  out.rank = rank;
  out.numInputs = numInputs;
  out.numRegs = numRegs;
  out.resultReg = resultReg;
  out.consts.assign(consts, consts + numConsts);
  const int32_t* p = w + kHeaderInts;
  for (int r = 0; r < numReads; r++) {
    if (p[r] < 0 || p[r] >= numInputs) return message("read ", r, " names input ", p[r], " of ", numInputs);
    out.readInput.push_back(p[r]);
  }
  p += numReads;

  // Simulate the program: every operand must have been written, depths must
  // be sorted (scalars first) and never below an operand's.
  std::vector<int32_t> regDepth(numRegs, -1);
  int32_t lastDepth = 0;
  for (int i = 0; i < numInstr; i++, p += kInstrInts) {
    const OpcodeInfo* info = findOpcode(p[0]);
    if (!info) return message("instruction ", i, ": unknown opcode ", p[0]);
    const Instr in{Op(p[0]), p[1], p[2], p[3], p[4], p[5]};
    if (in.depth < 0 || in.depth > rank)
      return message("instruction ", i, ": depth ", in.depth, " is outside 0..", rank);
    if (in.depth < lastDepth)
      return message("instruction ", i, ": depth ", in.depth, " after depth ", lastDepth,
                     " (instructions must be sorted by depth)");
    lastDepth = in.depth;
    if (in.dst < 0 || in.dst >= numRegs)
      return message("instruction ", i, ": destination register ", in.dst, " is out of range");
    if (in.op == Op::LOAD) {
      if (in.a < 0 || in.a >= numReads) return message("instruction ", i, ": read slot ", in.a, " of ", numReads);
    } else if (in.op == Op::CONST) {
      if (in.a < 0 || size_t(in.a) >= numConsts)
        return message("instruction ", i, ": constant slot ", in.a, " of ", numConsts);
      if (in.depth != 0) return message("instruction ", i, ": a constant must have depth 0");
    } else {
      const int32_t operands[2] = {in.a, in.b};
      for (int k = 0; k < info->arity; k++) {
        const int32_t r = operands[k];
        if (r < 0 || r >= numRegs) return message("instruction ", i, ": operand register ", r, " is out of range");
        if (regDepth[r] < 0)
          return message("instruction ", i, " (", info->name, "): register ", r, " is read before it is written");
        if (regDepth[r] > in.depth)
          return message("instruction ", i, ": depth ", in.depth, " is below its operand's depth ", regDepth[r]);
      }
      if (in.op == Op::INTEGER_POW && (in.imm < -64 || in.imm > 64))
        return message("instruction ", i, ": integer_pow exponent ", in.imm, " is outside -64..64");
    }
    regDepth[in.dst] = in.depth;
    out.code.push_back(in);
  }
  if (regDepth[resultReg] < 0) return message("result register ", resultReg, " is never written");
  const Instr& last = out.code.back();
  if (last.dst != resultReg) return message("the last instruction must write the result register");
  return "";
}

/** Finds the row-invariant vector work of a row-mode launch and gives a cache slot to what the varying work reads of
 * it. */
static void planRowCache(Launch& L) {
  const Program& P = *L.program;
  const size_t count = P.code.size();
  L.rowInvariant.assign(count, 0);
  L.rowCacheSlot.assign(count, -1);
  L.rowCacheSlots = 0;
  if (!L.rowMode || L.rank < 2) return;
  std::vector<uint8_t> variesOuter(size_t(P.numRegs), 0);
  std::vector<int32_t> producer(size_t(P.numRegs), -1);
  for (size_t i = 0; i < count; i++) {
    const Instr& in = P.code[i];
    bool outer;
    if (int(i) < L.firstVector) {
      outer = in.depth >= 1;  // a per-row scalar varies with the row; depth 0 is constant
    } else if (in.op == Op::LOAD) {
      outer = false;
      for (int a = 0; a + 1 < L.rank; a++)
        if (L.shape[a] > 1 && L.readStrides[size_t(in.a) * L.rank + a] != 0) outer = true;
    } else if (in.op == Op::CONST) {
      outer = false;
    } else {
      outer = variesOuter[size_t(in.a)] || (arityOf(in.op) == 2 && variesOuter[size_t(in.b)]);
    }
    // The last instruction writes the output, so it always runs per block.
    const bool invariant = int(i) >= L.firstVector && !outer && i + 1 < count;
    L.rowInvariant[i] = invariant;
    if (!invariant && int(i) >= L.firstVector && in.op != Op::LOAD && in.op != Op::CONST) {
      const int32_t operands[2] = {in.a, in.b};
      for (int k = 0; k < arityOf(in.op); k++) {
        const int32_t from = producer[size_t(operands[k])];
        if (from >= 0 && L.rowInvariant[size_t(from)] && P.code[size_t(from)].op != Op::LOAD &&
            L.rowCacheSlot[size_t(from)] < 0)
          L.rowCacheSlot[size_t(from)] = L.rowCacheSlots++;
      }
    }
    variesOuter[size_t(in.dst)] = outer;
    producer[size_t(in.dst)] = int32_t(i);
  }
  const size_t item = P.dtype == DType::Float32 ? 4 : 8;
  if (L.rowCacheSlots == 0 || size_t(L.rowCacheSlots) * size_t(L.rowLength) * item > kMaxRowCacheBytes) {
    L.rowInvariant.assign(count, 0);
    L.rowCacheSlot.assign(count, -1);
    L.rowCacheSlots = 0;
  }
}

static bool isArithmetic(Op op) { return op == Op::ADD || op == Op::SUB || op == Op::MUL || op == Op::DIV; }

/** Pairs of arithmetic instructions that can run as one loop (Launch::fuseWithNext). */
static void planFusion(Launch& L) {
  const Program& P = *L.program;
  const size_t count = P.code.size();
  L.fuseWithNext.assign(count, 0);
  for (size_t i = size_t(L.firstVector); i + 1 < count; i++) {
    const Instr& in = P.code[i];
    const Instr& next = P.code[i + 1];
    if (!isArithmetic(in.op) || !isArithmetic(next.op)) continue;
    if (L.aScalar[i] == L.bScalar[i]) continue;          // exactly one scalar operand
    if (L.aScalar[i + 1] || L.bScalar[i + 1]) continue;  // the next one on two blocks
    if (!L.rowInvariant.empty() && (L.rowInvariant[i] || L.rowInvariant[i + 1])) continue;
    if ((next.a == in.dst) == (next.b == in.dst)) continue;  // the next reads the result once, beside another block
    // The result must be dead after the next instruction: rewritten before any later read, and not the result.
    bool dead = next.dst == in.dst;
    for (size_t j = i + 2; j < count && !dead; j++) {
      const Instr& later = P.code[j];
      const bool computes = later.op != Op::LOAD && later.op != Op::CONST;
      if (computes && (later.a == in.dst || (arityOf(later.op) == 2 && later.b == in.dst))) break;
      if (later.dst == in.dst) dead = true;
    }
    if (!dead && in.dst == P.resultReg) continue;
    if (!dead) {
      // Never rewritten and never read again: dead unless it is the result (checked above).
      bool read = false;
      for (size_t j = i + 2; j < count; j++) {
        const Instr& later = P.code[j];
        if (later.op != Op::LOAD && later.op != Op::CONST &&
            (later.a == in.dst || (arityOf(later.op) == 2 && later.b == in.dst)))
          read = true;
      }
      if (read) continue;
    }
    L.fuseWithNext[i] = 1;
    i++;  // an instruction is in one pair at most
  }
}

std::string prepareLaunch(Launch& L, const int64_t* sourceLengths) {
  const Program& P = *L.program;
  L.rank = P.rank;
  L.size = 1;
  for (int a = 0; a < L.rank; a++) {
    if (L.shape[a] < 0) return message("axis ", a, " has negative size ", L.shape[a]);
    L.size *= L.shape[a];
  }
  const int numReads = int(P.readInput.size());
  // Bounds: the lowest and highest element offset each read can touch.
  if (L.size > 0) {
    for (int r = 0; r < numReads; r++) {
      int64_t lo = L.readOffset[r], hi = L.readOffset[r];
      for (int a = 0; a < L.rank; a++) {
        const int64_t s = L.readStrides[size_t(r) * L.rank + a], reach = s * (L.shape[a] - 1);
        if (reach < 0)
          lo += reach;
        else
          hi += reach;
      }
      if (lo < 0 || hi >= sourceLengths[r])
        return message("read ", r, " reaches elements ", lo, "..", hi, " of an input with ", sourceLengths[r],
                       " elements");
    }
  }
  // A read compiled as invariant along the axes from its depth on must not move along them.
  for (const Instr& in : P.code) {
    if (in.op != Op::LOAD) continue;
    for (int a = in.depth; a < L.rank; a++) {
      if (L.shape[a] > 1 && L.readStrides[size_t(in.a) * L.rank + a] != 0)
        return message("read ", in.a, " varies along output axis ", a,
                       " but was compiled as constant there (its strides differ from the traced signature)");
    }
  }
  L.rowLength = L.rank > 0 ? L.shape[L.rank - 1] : 1;
  L.rowMode = L.rank > 0 && L.rowLength >= kMinRowLength;
  L.splitDepth = L.rowMode ? L.rank : std::min(1, L.rank);
  if (L.rank == 0) L.splitDepth = 1;  // a 0-d output is one scalar
  L.firstVector = int(P.code.size());
  for (size_t i = 0; i < P.code.size(); i++)
    if (P.code[i].depth >= L.splitDepth) {
      L.firstVector = int(i);
      break;
    }
  // Operand kinds, by simulating the register file in program order.
  std::vector<uint8_t> scalarReg(P.numRegs, 1);
  L.aScalar.assign(P.code.size(), 1);
  L.bScalar.assign(P.code.size(), 1);
  for (size_t i = 0; i < P.code.size(); i++) {
    const Instr& in = P.code[i];
    if (in.op != Op::LOAD && in.op != Op::CONST) {
      L.aScalar[i] = scalarReg[in.a];
      L.bScalar[i] = scalarReg[in.b < 0 || in.b >= P.numRegs ? 0 : in.b];
    }
    scalarReg[in.dst] = int(i) < L.firstVector ? 1 : 0;
  }
  L.resultScalar = scalarReg[P.resultReg] != 0;
  const Instr& last = P.code.back();
  L.directResult = !L.resultScalar && last.op != Op::LOAD && last.op != Op::CONST;
  planRowCache(L);
  planFusion(L);
  return "";
}

size_t scratchBytes(const Launch& L) {
  const size_t item = L.program->dtype == DType::Float32 ? 4 : 8;
  // registers, two broadcast blocks for binary ops with a scalar operand, the row cache, a reduction's block, padding
  const size_t reduceBlock = L.reduceKind == ReduceKind::None ? 0 : kBlock * item;
  return (size_t(L.program->numRegs) + 2) * kBlock * item + size_t(L.rowCacheSlots) * size_t(L.rowLength) * item +
         reduceBlock + 256;
}

}  // namespace vlab
