// The one opcode list of the native evaluator. The C++ VM, its validator and
// the TypeScript lowering (compute/backends/native.ts, which reads this table
// from the loaded addon) all use it, so the two sides cannot drift: a
// primitive missing here is a load-time error in TypeScript, and a test
// parses this file to check it covers every elementwise primitive.
//
// VLAB_OPCODE(NAME, code, arity, "primitive name in compute/core/primitives.ts")
// Arity 0 ops take their operand from the instruction itself (a read slot, a
// constant slot). integer_pow takes its exponent in the instruction's imm field.
// Codes are part of the bytecode format: append, never renumber.

VLAB_OPCODE(LOAD, 0, 0, "load")
VLAB_OPCODE(CONST, 1, 0, "const")
VLAB_OPCODE(NEG, 2, 1, "neg")
VLAB_OPCODE(SQUARE, 3, 1, "square")
VLAB_OPCODE(COS, 4, 1, "cos")
VLAB_OPCODE(SIN, 5, 1, "sin")
VLAB_OPCODE(TAN, 6, 1, "tan")
VLAB_OPCODE(EXP, 7, 1, "exp")
VLAB_OPCODE(LOG, 8, 1, "log")
VLAB_OPCODE(SQRT, 9, 1, "sqrt")
VLAB_OPCODE(ABS, 10, 1, "abs")
VLAB_OPCODE(TANH, 11, 1, "tanh")
VLAB_OPCODE(ADD, 12, 2, "add")
VLAB_OPCODE(SUB, 13, 2, "sub")
VLAB_OPCODE(MUL, 14, 2, "mul")
VLAB_OPCODE(DIV, 15, 2, "div")
VLAB_OPCODE(POW, 16, 2, "pow")
VLAB_OPCODE(MIN, 17, 2, "min")
VLAB_OPCODE(MAX, 18, 2, "max")
VLAB_OPCODE(INTEGER_POW, 19, 1, "integer_pow")
