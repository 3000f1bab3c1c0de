// The one opcode list of the native evaluator, with each opcode's kernels.
// The C++ VM, its validator and the TypeScript lowering (compute/backends/
// native.ts, which reads this table from the loaded addon) all use it, so the
// two sides cannot drift; a test parses this file to check that it covers
// every elementwise primitive.
//
// Three kinds of line, each a macro the including file defines (a file that
// needs only some kinds defines the others as nothing):
//
//   VLAB_OPCODE(NAME, code, arity, "primitive name in compute/core/primitives.ts")
//     the opcode: the enum, the validator's table, what the addon reports.
//     Codes are part of the bytecode format: append, never renumber.
//   VLAB_SCALAR(NAME, expression of T a, T b, int32_t imm)
//     its scalar kernel, used for loop-invariant (hoisted) work and as the
//     meaning every vector kernel must reproduce.
//   VLAB_VECTOR(NAME, form)
//     its kernel over a block: `elementwise` (the scalar kernel in a loop the
//     compiler vectorizes), `simd(fn)` / `simd2(fn)` (xsimd::fn, the portable
//     vector math of a unary / binary fn on every SIMD target; the scalar copy
//     runs the VLAB_SCALAR line), or `integerPow`.
//
// The VM's scalar and vector dispatch are switches over the enum class built
// from the VLAB_SCALAR and VLAB_VECTOR lines, with no default arm and
// -Werror=switch: an opcode without a kernel line does not compile.
// LOAD and CONST move data; the evaluator handles them itself.
// NumPy's semantics throughout (NaN and infinities included), no -ffast-math.

// A table, one line per fact, read by tests as text: clang-format leaves it as written.
// clang-format off
VLAB_OPCODE(LOAD, 0, 0, "load")
VLAB_OPCODE(CONST, 1, 0, "const")
VLAB_OPCODE(NEG, 2, 1, "neg")
VLAB_SCALAR(NEG, -a)
VLAB_VECTOR(NEG, elementwise)
VLAB_OPCODE(SQUARE, 3, 1, "square")
VLAB_SCALAR(SQUARE, a * a)
VLAB_VECTOR(SQUARE, elementwise)
VLAB_OPCODE(COS, 4, 1, "cos")
VLAB_SCALAR(COS, trig<Trig::Cos>(a))
VLAB_VECTOR(COS, simd(cos))
VLAB_OPCODE(SIN, 5, 1, "sin")
VLAB_SCALAR(SIN, trig<Trig::Sin>(a))
VLAB_VECTOR(SIN, simd(sin))
VLAB_OPCODE(TAN, 6, 1, "tan")
VLAB_SCALAR(TAN, trig<Trig::Tan>(a))
VLAB_VECTOR(TAN, simd(tan))
VLAB_OPCODE(EXP, 7, 1, "exp")
VLAB_SCALAR(EXP, std::exp(a))
VLAB_VECTOR(EXP, simd(exp))
VLAB_OPCODE(LOG, 8, 1, "log")
VLAB_SCALAR(LOG, std::log(a))
VLAB_VECTOR(LOG, simd(log))
VLAB_OPCODE(SQRT, 9, 1, "sqrt")
VLAB_SCALAR(SQRT, std::sqrt(a))
VLAB_VECTOR(SQRT, elementwise)
VLAB_OPCODE(ABS, 10, 1, "abs")
VLAB_SCALAR(ABS, std::fabs(a))
VLAB_VECTOR(ABS, elementwise)
VLAB_OPCODE(TANH, 11, 1, "tanh")
VLAB_SCALAR(TANH, std::tanh(a))
VLAB_VECTOR(TANH, simd(tanh))
VLAB_OPCODE(ADD, 12, 2, "add")
VLAB_SCALAR(ADD, a + b)
VLAB_VECTOR(ADD, elementwise)
VLAB_OPCODE(SUB, 13, 2, "sub")
VLAB_SCALAR(SUB, a - b)
VLAB_VECTOR(SUB, elementwise)
VLAB_OPCODE(MUL, 14, 2, "mul")
VLAB_SCALAR(MUL, a * b)
VLAB_VECTOR(MUL, elementwise)
VLAB_OPCODE(DIV, 15, 2, "div")
VLAB_SCALAR(DIV, a / b)
VLAB_VECTOR(DIV, elementwise)
// C's pow already has pow(1, NaN) = 1 and pow(-1, ±Inf) = 1, as NumPy.
VLAB_OPCODE(POW, 16, 2, "pow")
VLAB_SCALAR(POW, std::pow(a, b))
VLAB_VECTOR(POW, simd2(pow))
// NumPy's NaN-propagating minimum/maximum, not fmin/fmax.
VLAB_OPCODE(MIN, 17, 2, "min")
VLAB_SCALAR(MIN, (a < b || a != a) ? a : b)
VLAB_VECTOR(MIN, elementwise)
VLAB_OPCODE(MAX, 18, 2, "max")
VLAB_SCALAR(MAX, (a > b || a != a) ? a : b)
VLAB_VECTOR(MAX, elementwise)
// x ** y for an integer y (imm), as the JS backend emits it: products up to |y| = 4, pow beyond.
VLAB_OPCODE(INTEGER_POW, 19, 1, "integer_pow")
VLAB_SCALAR(INTEGER_POW, integerPow(a, imm))
VLAB_VECTOR(INTEGER_POW, integerPow)
VLAB_OPCODE(ATAN, 20, 1, "atan")
VLAB_SCALAR(ATAN, std::atan(a))
VLAB_VECTOR(ATAN, simd(atan))
// atan2(y, x): the first operand is y, as np.arctan2.
VLAB_OPCODE(ATAN2, 21, 2, "atan2")
VLAB_SCALAR(ATAN2, std::atan2(a, b))
VLAB_VECTOR(ATAN2, simd2(atan2))
VLAB_OPCODE(ASIN, 22, 1, "asin")
VLAB_SCALAR(ASIN, std::asin(a))
VLAB_VECTOR(ASIN, simd(asin))
VLAB_OPCODE(ACOS, 23, 1, "acos")
VLAB_SCALAR(ACOS, std::acos(a))
VLAB_VECTOR(ACOS, simd(acos))
VLAB_OPCODE(SINH, 24, 1, "sinh")
VLAB_SCALAR(SINH, std::sinh(a))
VLAB_VECTOR(SINH, simd(sinh))
VLAB_OPCODE(COSH, 25, 1, "cosh")
VLAB_SCALAR(COSH, std::cosh(a))
VLAB_VECTOR(COSH, simd(cosh))
VLAB_OPCODE(HYPOT, 26, 2, "hypot")
VLAB_SCALAR(HYPOT, std::hypot(a, b))
VLAB_VECTOR(HYPOT, simd2(hypot))
VLAB_OPCODE(FLOOR, 27, 1, "floor")
VLAB_SCALAR(FLOOR, std::floor(a))
VLAB_VECTOR(FLOOR, elementwise)
VLAB_OPCODE(CEIL, 28, 1, "ceil")
VLAB_SCALAR(CEIL, std::ceil(a))
VLAB_VECTOR(CEIL, elementwise)
// np.sign: -1, 0 (never -0), +1, and NaN for NaN.
VLAB_OPCODE(SIGN, 29, 1, "sign")
VLAB_SCALAR(SIGN, a > T(0) ? T(1) : a < T(0) ? T(-1) : a == T(0) ? T(0) : a)
VLAB_VECTOR(SIGN, elementwise)
// np.mod: the remainder takes the divisor's sign (numpy's npy_remainder), NaN for a zero divisor.
VLAB_OPCODE(MOD, 30, 2, "mod")
VLAB_SCALAR(MOD, numpyMod(a, b))
VLAB_VECTOR(MOD, elementwise)
VLAB_OPCODE(LOG2, 31, 1, "log2")
VLAB_SCALAR(LOG2, std::log2(a))
VLAB_VECTOR(LOG2, simd(log2))
VLAB_OPCODE(LOG10, 32, 1, "log10")
VLAB_SCALAR(LOG10, std::log10(a))
VLAB_VECTOR(LOG10, simd(log10))
// clang-format on
