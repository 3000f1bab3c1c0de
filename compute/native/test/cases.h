// The values the test driver runs each opcode on: edge values (NaN, ±Inf,
// ±0, huge, tiny, subnormal, the functions' domain and overflow edges) and a
// dense fixed-seed sweep over each opcode's usual domain (the same domains as
// compute/backends/everyPrimitive.test.ts), so a failure reproduces.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "program.h"

namespace vlab::test {

/** integer_pow's exponents: the products (|y| ≤ 4), their reciprocals, and pow beyond. */
inline const std::vector<int32_t> kIntegerPowers = {0, 1, 2, 3, 4, -1, -2, -3, -4, 5, -7, 64, -64};

/** Edge values as T holds them (a double beyond float's range becomes ±Inf in float32, as NumPy's cast does). */
template <class T>
std::vector<T> edgeValues() {
  const double pi = 3.14159265358979323846;
  const std::vector<double> edges = {std::numeric_limits<double>::quiet_NaN(),
                                     INFINITY,
                                     -INFINITY,
                                     0.0,
                                     -0.0,
                                     1,
                                     -1,
                                     0.5,
                                     -0.5,
                                     0.25,
                                     0.999,
                                     -0.999,
                                     2,
                                     2.5,
                                     -3.5,
                                     7.25,
                                     -7.25,
                                     8,
                                     30,
                                     -30,
                                     88,
                                     89,
                                     100,
                                     -100,
                                     700,
                                     710,
                                     -745,
                                     1000,
                                     1e-3,
                                     1e30,
                                     -1e30,
                                     1e-30,
                                     1e300,
                                     -1e300,
                                     1e-300,
                                     pi / 2,
                                     -pi / 2,
                                     pi,
                                     1e22,
                                     double(std::numeric_limits<T>::max()),
                                     double(std::numeric_limits<T>::min()),
                                     double(std::numeric_limits<T>::denorm_min()),
                                     -double(std::numeric_limits<T>::denorm_min())};
  std::vector<T> out;
  for (double e : edges) out.push_back(T(e));
  return out;
}

/** splitmix64: a fixed sequence of uniform doubles in [0, 1). */
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  double next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }

 private:
  uint64_t state_;
};

struct Domain {
  double a0, a1, b0, b1;
};

/** Each opcode's usual domain, where it is sampled densely. */
inline Domain domainOf(Op op) {
  switch (op) {
    case Op::LOAD:
    case Op::CONST:
      return {0, 0, 0, 0};
    case Op::NEG:
    case Op::ABS:
      return {-1e6, 1e6, 0, 0};
    case Op::SQUARE:
      return {-1e4, 1e4, 0, 0};
    case Op::COS:
    case Op::SIN:
    case Op::TAN:
      return {-100, 100, 0, 0};
    case Op::EXP:
      return {-100, 90, 0, 0};
    case Op::LOG:
    case Op::LOG2:
    case Op::LOG10:
      return {1e-3, 1e3, 0, 0};
    case Op::SQRT:
      return {0, 1e6, 0, 0};
    case Op::TANH:
      return {-12, 12, 0, 0};
    case Op::ATAN:
      return {-50, 50, 0, 0};
    case Op::ASIN:
    case Op::ACOS:
      return {-1, 1, 0, 0};
    case Op::SINH:
    case Op::COSH:
      return {-90, 90, 0, 0};
    case Op::FLOOR:
    case Op::CEIL:
      return {-1e3, 1e3, 0, 0};
    case Op::SIGN:
      return {-2, 2, 0, 0};
    case Op::ADD:
    case Op::SUB:
    case Op::MUL:
    case Op::MIN:
    case Op::MAX:
    case Op::HYPOT:
      return {-1e3, 1e3, -1e3, 1e3};
    case Op::DIV:
      return {-1e3, 1e3, -10, 10};
    case Op::POW:
      return {0.1, 10, -20, 20};
    case Op::ATAN2:
      return {-10, 10, -10, 10};
    case Op::MOD:
      return {-100, 100, -10, 10};
    case Op::INTEGER_POW:
      return {-30, 30, 0, 0};
  }
  return {0, 0, 0, 0};
}

constexpr int kSweep = 3000;

/** The operands of one opcode: every edge (against every edge, for a binary one), then the sweep. */
template <class T>
void operands(Op op, int arity, const std::vector<T>& edges, std::vector<T>& a, std::vector<T>& b) {
  if (arity == 2) {
    for (T x : edges)
      for (T y : edges) a.push_back(x), b.push_back(y);
  } else {
    a = edges;
    b.assign(edges.size(), T(0));
  }
  Random random(uint64_t(op) * 7919 + sizeof(T));
  const Domain d = domainOf(op);
  for (int i = 0; i < kSweep; i++) {
    a.push_back(T(d.a0 + (d.a1 - d.a0) * random.next()));
    b.push_back(T(arity == 2 ? d.b0 + (d.b1 - d.b0) * random.next() : 0));
  }
  if (op == Op::SIN || op == Op::COS || op == Op::TAN) {
    // Past the usual domain, across vm_trig.h's fast range (1e5 double, 6000 float) and beyond it, and the
    // values nearest to kπ/2, where the reduction cancels most.
    for (int i = 0; i < kSweep; i++) {
      const double wide = 3e5 * (2 * random.next() - 1), k = std::nearbyint(wide / 1.5707963267948966);
      a.push_back(T(wide)), a.push_back(T(k * 1.5707963267948966));
      b.push_back(T(0)), b.push_back(T(0));
    }
  }
}

}  // namespace vlab::test
