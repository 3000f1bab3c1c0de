// The evaluator's test driver: the VM, its validator and its pool, without
// Node-API, so it runs wherever the evaluator compiles — natively, on aarch64
// under qemu, and as a Windows program under wine (scripts/test-portable.mjs
// builds and runs it on each). It checks
//   - every opcode of opcodes.h, float32 and float64, against a wider
//     reference (reference.h): exact ones bit for bit (the sign of zero
//     included), math functions within 4 ULP; on edge values (NaN, ±Inf, ±0,
//     huge, tiny, subnormal, the functions' domain edges) and a dense sweep;
//     on each path a value can take: a block read in place, a block with one
//     operand a hoisted constant, and the hoisted scalar kernel;
//   - runs through the pool on several threads and parts: the same bits as
//     one thread, in row mode (with its row cache) and in flat mode.
// It prints one line per failure, naming the opcode, dtype, path and values,
// and exits 1 if any.
// Test tooling: never part of the addon.

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cases.h"
#include "partition.h"
#include "pool.h"
#include "program.h"
#include "reference.h"
#include "vm_common.h"

namespace vlab::test {
namespace {

int failures = 0;

template <class... Args>
void fail(const char* format, Args... args) {
  if (++failures <= 60) {
    std::printf("FAIL ");
    std::printf(format, args...);
    std::printf("\n");
  }
}

template <class T>
constexpr DType dtypeOf() {
  return sizeof(T) == 8 ? DType::Float64 : DType::Float32;
}
template <class T>
const char* dtypeName() {
  return sizeof(T) == 8 ? "float64" : "float32";
}

/** Bytecode words for a program, checked by the evaluator's own validator (parseProgram). */
struct Bytecode {
  DType dtype;
  int rank;
  int numInputs;
  std::vector<int32_t> reads;              // graph input of each read slot
  std::vector<std::vector<int32_t>> code;  // (op, depth, dst, a, b, imm)
  std::vector<double> consts;
  int numRegs;
  int resultReg;

  std::shared_ptr<Program> compile() const {
    std::vector<int32_t> words = {kBytecodeVersion,
                                  dtype == DType::Float32 ? 0 : 1,
                                  rank,
                                  numInputs,
                                  int32_t(reads.size()),
                                  numRegs,
                                  int32_t(code.size()),
                                  resultReg};
    words.insert(words.end(), reads.begin(), reads.end());
    for (const auto& instr : code) words.insert(words.end(), instr.begin(), instr.end());
    auto program = std::make_shared<Program>();
    const std::string problem = parseProgram(words.data(), words.size(), consts.data(), consts.size(), *program);
    if (!problem.empty()) {
      std::printf("FAIL the driver's own program was refused: %s\n", problem.c_str());
      std::exit(2);
    }
    return program;
  }
};

/** A launch of `program` over `shape`, one (data, length, offset, strides) per read; the output is `out`. */
struct Read {
  const void* data;
  DType dtype;
  int64_t length;
  int64_t offset;
  std::vector<int64_t> strides;
};

std::unique_ptr<Launch> launch(const Program& program, const std::vector<int64_t>& shape,
                               const std::vector<Read>& reads, void* out) {
  auto L = std::make_unique<Launch>();
  L->program = &program;
  for (size_t a = 0; a < shape.size(); a++) L->shape[a] = shape[a];
  std::vector<int64_t> lengths;
  for (const Read& r : reads) {
    L->reads.push_back(Source{r.data, r.dtype});
    L->readOffset.push_back(r.offset);
    L->readStrides.insert(L->readStrides.end(), r.strides.begin(), r.strides.end());
    lengths.push_back(r.length);
  }
  L->out = out;
  const std::string problem = prepareLaunch(*L, lengths.data());
  if (!problem.empty()) {
    std::printf("FAIL the driver's launch was refused: %s\n", problem.c_str());
    std::exit(2);
  }
  return L;
}

void runOneThread(const Launch& L) { kernels().evalRange(L, 0, L.size, threadScratch(scratchBytes(L))); }

// ---- every opcode against the reference -----------------------------------------------------------

/** The worst error seen per opcode and dtype, for the summary. */
struct Worst {
  double ulp = 0;
  std::string where;
};

template <class T>
struct OpCheck {
  const OpcodeInfo& info;
  Op op;
  int32_t imm;
  std::vector<T> a, b;  // operands as the dtype holds them
  Worst& worst;

  using R = std::conditional_t<sizeof(T) == 8, long double, double>;

  void expect(const char* path, T x, T y, T got) {
    const R ref = reference<R>(op, R(x), R(y), imm);
    const Accuracy accuracy = accuracyOf(op);
    const double err = errorUlp<T, R>(got, ref, accuracy);
    char where[200];
    if (info.arity == 2)
      std::snprintf(where, sizeof where, "%s(%.17g, %.17g)", info.primitive, double(x), double(y));
    else if (op == Op::INTEGER_POW)
      std::snprintf(where, sizeof where, "%s(%.17g, y=%d)", info.primitive, double(x), int(imm));
    else
      std::snprintf(where, sizeof where, "%s(%.17g)", info.primitive, double(x));
    if (err > toleranceUlp(accuracy)) {
      fail("%s %s %s path [%s]: %s = %.17g, reference %.21Lg (%s)", info.name, dtypeName<T>(), path, kernels().isa,
           where, double(got), (long double)ref,
           std::isinf(err) ? "NaN, infinity or zero sign differs" : (std::to_string(err) + " ULP").c_str());
    }
    if (std::isfinite(err) && err > worst.ulp) worst = {err, where};
  }

  Bytecode program(int aDepth, int bDepth, bool bConst) const {
    const bool binary = info.arity == 2;
    Bytecode bc{dtypeOf<T>(), 1, binary ? 2 : 1, {}, {}, {}, 3, 2};
    if (bConst) {  // b is a constant (depth 0, so first), a read
      bc.consts = {double(b[0])};
      bc.code.push_back({int32_t(Op::CONST), 0, 1, 0, -1, 0});
    }
    bc.reads.push_back(0);
    bc.code.push_back({int32_t(Op::LOAD), aDepth, 0, 0, -1, 0});
    if (binary && !bConst) {
      bc.reads.push_back(1);
      bc.code.push_back({int32_t(Op::LOAD), bDepth, 1, 1, -1, 0});
    }
    bc.code.push_back({int32_t(op), std::max(aDepth, bConst ? 0 : bDepth), 2, 0, binary ? 1 : -1, imm});
    return bc;
  }

  /** Blocks read in place from the inputs: the kernels over whole blocks and their tails. */
  void vectorPath() {
    const auto P = program(1, 1, false).compile();
    std::vector<T> out(a.size());
    std::vector<Read> reads = {{a.data(), dtypeOf<T>(), int64_t(a.size()), 0, {1}}};
    if (info.arity == 2) reads.push_back({b.data(), dtypeOf<T>(), int64_t(b.size()), 0, {1}});
    runOneThread(*launch(*P, {int64_t(a.size())}, reads, out.data()));
    for (size_t i = 0; i < a.size(); i++) expect("vector", a[i], b[i], out[i]);
  }

  /**
   * The output written over an operand's block, as the register allocator does with a dead temporary: the
   * operands are first copied into computed registers 2 and 3 (-(-x) is x, bit for bit), then op writes over
   * one of them. A kernel that reads its operands after writing (the edge pass, after the vector pass) must not
   * see its own output.
   */
  void inPlacePath() {
    const bool binary = info.arity == 2;
    for (int dst : binary ? std::vector<int>{2, 3} : std::vector<int>{2}) {
      Bytecode bc{dtypeOf<T>(), 1, binary ? 2 : 1, {}, {}, {}, 4, dst};
      for (int slot = 0; slot < (binary ? 2 : 1); slot++) {
        bc.reads.push_back(slot);
        bc.code.push_back({int32_t(Op::LOAD), 1, slot, slot, -1, 0});
        bc.code.push_back({int32_t(Op::NEG), 1, 2 + slot, slot, -1, 0});
        bc.code.push_back({int32_t(Op::NEG), 1, 2 + slot, 2 + slot, -1, 0});
      }
      bc.code.push_back({int32_t(op), 1, dst, 2, binary ? 3 : -1, imm});
      // The last instruction writes the output array directly, so op is followed by -(-x) to land in a block.
      bc.code.push_back({int32_t(Op::NEG), 1, dst, dst, -1, 0});
      bc.code.push_back({int32_t(Op::NEG), 1, dst, dst, -1, 0});
      const auto P = bc.compile();
      std::vector<T> out(a.size());
      std::vector<Read> reads = {{a.data(), dtypeOf<T>(), int64_t(a.size()), 0, {1}}};
      if (binary) reads.push_back({b.data(), dtypeOf<T>(), int64_t(b.size()), 0, {1}});
      runOneThread(*launch(*P, {int64_t(a.size())}, reads, out.data()));
      for (size_t i = 0; i < a.size(); i++)
        expect(dst == 2 ? "in-place-over-a" : "in-place-over-b", a[i], b[i], out[i]);
    }
  }

  /** A block against a hoisted constant: the scalar operand broadcast into the block kernel. */
  void constantPath(const std::vector<T>& edges) {
    if (info.arity != 2) return;
    for (T constant : edges) {
      OpCheck<T> withConst = *this;
      withConst.b = {constant};
      const auto P = withConst.program(1, 0, true).compile();
      std::vector<T> out(edges.size());
      runOneThread(*launch(*P, {int64_t(edges.size())}, {{edges.data(), dtypeOf<T>(), int64_t(edges.size()), 0, {1}}},
                           out.data()));
      for (size_t i = 0; i < edges.size(); i++) expect("vector-with-constant", edges[i], constant, out[i]);
    }
  }

  /** Operands invariant along the output (stride 0): the op is hoisted and runs as its scalar kernel. */
  void scalarPath(size_t count) {
    const auto P = program(0, 0, false).compile();
    T out[4];
    for (size_t i = 0; i < std::min(count, a.size()); i++) {
      std::vector<Read> reads = {{a.data(), dtypeOf<T>(), int64_t(a.size()), int64_t(i), {0}}};
      if (info.arity == 2) reads.push_back({b.data(), dtypeOf<T>(), int64_t(b.size()), int64_t(i), {0}});
      runOneThread(*launch(*P, {4}, reads, out));
      expect("scalar", a[i], b[i], out[3]);
    }
  }
};

template <class T>
void checkEveryOpcode(std::vector<std::string>& summary) {
  const std::vector<T> edges = edgeValues<T>();
  for (const OpcodeInfo& info : opcodeTable()) {
    const Op op = Op(info.code);
    if (op == Op::LOAD || op == Op::CONST) continue;
    const std::vector<int32_t> exponents = op == Op::INTEGER_POW ? kIntegerPowers : std::vector<int32_t>{0};
    Worst worst;
    for (int32_t imm : exponents) {
      OpCheck<T> check{info, op, imm, {}, {}, worst};
      operands<T>(op, info.arity, edges, check.a, check.b);
      check.vectorPath();
      check.inPlacePath();
      check.constantPath(edges);
      check.scalarPath(edges.size() * (info.arity == 2 ? edges.size() : 1));
    }
    char line[240];
    std::snprintf(line, sizeof line, "  %-12s %s  worst %.2f ULP%s%s", info.name, dtypeName<T>(), worst.ulp,
                  worst.ulp > 0 ? " at " : " (bit-exact)", worst.where.c_str());
    summary.push_back(line);
  }
}

// ---- the pool: several threads give one thread's bits ----------------------------------------------

class RangeJob : public Job {
 public:
  RangeJob(const Launch& L, int parts, int workers) : Job(parts, workers), L_(L), parts_(parts) {}
  void runTask(int task) override {
    kernels().evalRange(L_, partStart(L_.size, parts_, task), partStart(L_.size, parts_, task + 1),
                        threadScratch(scratchBytes(L_)));
  }

 private:
  const Launch& L_;
  int parts_;
};

/** cos(x² + y²) / (1 + x² + y²) + atan2(x, y) · tanh(x·y) over an nx × ny grid: the lesson's f and a few more opcodes.
 */
template <class T>
Bytecode gridProgram() {
  const auto op = [](Op o) { return int32_t(o); };
  Bytecode bc{dtypeOf<T>(), 2, 2, {0, 1}, {}, {1.0}, 12, 11};
  bc.code = {
      {op(Op::CONST), 0, 10, 0, -1, 0},  // r10 = 1
      {op(Op::LOAD), 1, 0, 0, -1, 0},    // r0 = x[i]
      {op(Op::SQUARE), 1, 1, 0, -1, 0},  // r1 = x²
      {op(Op::LOAD), 2, 2, 1, -1, 0},    // r2 = y[j]
      {op(Op::SQUARE), 2, 3, 2, -1, 0},  // r3 = y²
      {op(Op::ADD), 2, 4, 1, 3, 0},      // r4 = x² + y²
      {op(Op::COS), 2, 5, 4, -1, 0},     // r5 = cos(r4)
      {op(Op::ADD), 2, 6, 10, 4, 0},     // r6 = 1 + r4
      {op(Op::DIV), 2, 7, 5, 6, 0},      // r7 = r5 / r6
      {op(Op::ATAN2), 2, 8, 0, 2, 0},    // r8 = atan2(x, y)
      {op(Op::MUL), 2, 9, 0, 2, 0},      // r9 = x·y
      {op(Op::TANH), 2, 9, 9, -1, 0},    // r9 = tanh(x·y)
      {op(Op::MUL), 2, 9, 8, 9, 0},      // r9 = atan2 · tanh
      {op(Op::ADD), 2, 11, 7, 9, 0},     // r11 = r7 + r9
  };
  return bc;
}

template <class T>
void checkPool(int64_t nx, int64_t ny, const char* mode) {
  std::vector<T> x(static_cast<size_t>(nx)), y(static_cast<size_t>(ny));
  for (int64_t i = 0; i < nx; i++) x[size_t(i)] = T(-2 + 4.0 * double(i) / double(nx - 1));
  for (int64_t j = 0; j < ny; j++) y[size_t(j)] = T(-2 + 4.0 * double(j) / double(ny - 1));
  const auto P = gridProgram<T>().compile();
  const std::vector<Read> reads = {{x.data(), dtypeOf<T>(), nx, 0, {1, 0}}, {y.data(), dtypeOf<T>(), ny, 0, {0, 1}}};
  std::vector<T> one(size_t(nx * ny)), many(size_t(nx * ny));
  runOneThread(*launch(*P, {nx, ny}, reads, one.data()));
  // The values themselves, at a few points, against the formula in the wider type.
  using R = std::conditional_t<sizeof(T) == 8, long double, double>;
  for (int64_t k = 0; k < nx * ny; k += 997) {
    const R xi = x[size_t(k / ny)], yj = y[size_t(k % ny)], r = xi * xi + yj * yj;
    const R want = std::cos(r) / (1 + r) + std::atan2(xi, yj) * std::tanh(xi * yj);
    if (std::fabs(R(one[size_t(k)]) - want) > R(64) * R(std::numeric_limits<T>::epsilon()) * (1 + std::fabs(want)))
      fail("grid %s %s: z[%" PRId64 "] = %.17g, formula gives %.17Lg", mode, dtypeName<T>(), k, double(one[size_t(k)]),
           (long double)want);
  }
  Pool& pool = Pool::instance(4);
  for (const int parts : {2, 3, 7, 64}) {
    for (const int workers : {pool.size(), 2}) {
      std::fill(many.begin(), many.end(), T(-1));
      auto L = launch(*P, {nx, ny}, reads, many.data());
      auto first = std::make_shared<RangeJob>(*L, parts, workers);
      // A second job in flight beside it, as the engine's runs may be.
      std::vector<T> other(size_t(nx * ny));
      auto L2 = launch(*P, {nx, ny}, reads, other.data());
      auto second = std::make_shared<RangeJob>(*L2, parts, 1);
      pool.submit(first);
      pool.submit(second);
      first->wait();
      second->wait();
      if (!first->error().empty()) fail("pool %s: %s", mode, first->error().c_str());
      for (const std::vector<T>* result : {&many, &other}) {
        if (std::memcmp(result->data(), one.data(), one.size() * sizeof(T)) != 0) {
          size_t k = 0;
          while (std::memcmp(&(*result)[k], &one[k], sizeof(T)) == 0) k++;
          fail("pool %s %s, %d parts on %d of %d threads: z[%zu] = %.17g, one thread gave %.17g", mode, dtypeName<T>(),
               parts, result == &many ? workers : 1, pool.size(), k, double((*result)[k]), double(one[k]));
        }
      }
    }
  }
}

/** The validator refuses a malformed program with a message (the boundary every target relies on). */
void checkValidator() {
  Program out;
  const int32_t unknownOpcode[] = {kBytecodeVersion, 1, 1, 1, 1, 1, 1, 0, 0, 9999, 1, 0, 0, -1, 0};
  const std::string problem = parseProgram(unknownOpcode, sizeof unknownOpcode / 4, nullptr, 0, out);
  if (problem.find("unknown opcode 9999") == std::string::npos)
    fail("validator: an unknown opcode gave '%s'", problem.c_str());
}

}  // namespace
}  // namespace vlab::test

int main() {
  using namespace vlab::test;
  std::printf(
      "vlab evaluator driver: isa %s; float64 math held to %s\n", vlab::kernels().isa,
      kWideMath ? "a long double reference" : "the platform's double libm (its long double math is no reference)");
  std::vector<std::string> summary;
  checkEveryOpcode<double>(summary);
  checkEveryOpcode<float>(summary);
  checkPool<double>(300, 517, "row mode");
  checkPool<float>(300, 517, "row mode");
  checkPool<double>(2000, 37, "flat mode");
  checkPool<float>(2000, 37, "flat mode");
  checkValidator();
  for (const std::string& line : summary) std::printf("%s\n", line.c_str());
  if (failures > 0) {
    std::printf("driver: %d failures (isa %s)\n", failures, vlab::kernels().isa);
    return 1;
  }
  std::printf("driver: every opcode in float32 and float64, and the pool on %d threads, passed (isa %s)\n",
              vlab::Pool::instance().size(), vlab::kernels().isa);
  return 0;
}
