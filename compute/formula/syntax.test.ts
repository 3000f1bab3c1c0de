import { describe, expect, it } from 'vitest';
import { FormulaError, MAX_FORMULA_DEPTH, MAX_FORMULA_LENGTH, parseFormula } from './syntax.js';
import { checkFormula } from './compile.js';
import { evaluateFormulaScalar } from './evaluate.js';

const value = (text: string, x = 0, y = 0) => evaluateFormulaScalar(parseFormula(text), x, y);

function refusal(text: string): { message: string; position: number; length: number } {
  const check = checkFormula(text);
  if (check.ok) throw new Error(`expected '${text}' to be refused`);
  return check;
}

describe('formula syntax', () => {
  it('reads the lesson formula', () => {
    expect(value('cos(x^2 + y^2) / (1 + x^2 + y^2)', 0.5, -1)).toBeCloseTo(Math.cos(1.25) / 2.25, 15);
  });

  it('follows the usual precedence: -x^2 is -(x^2), ^ is right-associative, * before +', () => {
    expect(value('-x^2', 3)).toBe(-9);
    expect(value('2^3^2')).toBe(512);
    expect(value('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(value('2^-1')).toBe(0.5);
    expect(value('-2^-2')).toBe(-0.25);
    expect(value('--x', 4)).toBe(4);
    expect(value('+x', 4)).toBe(4);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('12 / 3 / 2')).toBe(2);
    expect(value('x ** 2', 3)).toBe(9);
  });

  it("reads % as NumPy's mod at the precedence of * and / (as Python), left-associative, the divisor's sign", () => {
    expect(value('7 % 3')).toBe(1);
    expect(value('-7 % 3')).toBe(2);
    expect(value('7 % -3')).toBe(-2);
    expect(value('1 + 7 % 4 * 2')).toBe(7);
    expect(value('17 % 10 % 4')).toBe(3);
    expect(value('2 * 7 % 4')).toBe(2);
    expect(value('x % 0', 1)).toBeNaN();
    expect(value('mod(x, y)', -5.5, 2)).toBe(0.5);
    expect(refusal('x %')).toMatchObject({ message: expect.stringMatching(/ends too early/), position: 3 });
  });

  it('knows the inverse, hyperbolic and rounding functions under their NumPy names too', () => {
    expect(value('atan2(1, -1)')).toBe(Math.atan2(1, -1));
    expect(value('arctan2(1, -1)')).toBe(Math.atan2(1, -1));
    expect(value('arcsin(1) - asin(1) + arccos(0) - acos(0) + arctan(1) - atan(1)')).toBe(0);
    expect(value('hypot(3, 4) + floor(-0.5) + ceil(-0.5) + sign(-2) + log2(8) + log10(1000)')).toBe(
      5 - 1 - 0 - 1 + 3 + 3,
    );
    expect(refusal('atan2(1)').message).toMatch(/atan2 takes 2 arguments, got 1/);
  });

  it('reads numbers with fractions and exponents', () => {
    expect(value('1.5e3')).toBe(1500);
    expect(value('.25')).toBe(0.25);
    expect(value('2.')).toBe(2);
    expect(value('1E-2')).toBe(0.01);
    expect(value('1e400')).toBe(Infinity);
    expect(value('5e-324')).toBe(5e-324);
  });

  it('knows the constants and every function', () => {
    expect(value('pi')).toBe(Math.PI);
    expect(value('e')).toBe(Math.E);
    expect(value('min(x, y)', 1, 2)).toBe(1);
    expect(value('max(x, y)', 1, 2)).toBe(2);
    expect(value('pow(x, y)', 2, 10)).toBe(1024);
    expect(value('square(x) + neg(y) + abs(-3) + sqrt(16) + tanh(0) + exp(0) + log(1) + sin(0) + tan(0)', 3, 1)).toBe(
      16,
    );
  });

  it('records where each node sits in the text', () => {
    const ast = parseFormula('  sin(x) + 2');
    expect(ast).toMatchObject({ kind: 'binary', op: '+', start: 2, end: 12 });
  });

  it.each([
    ['cos(x +* y)', 7, /unexpected '\*'/],
    ['', 0, /empty/],
    ['x +', 3, /ends too early/],
    ['(x + y', 6, /missing '\)'/],
    ['x + y)', 5, /unexpected '\)'/],
    ['2x', 1, /missing an operator/],
    ['x y', 2, /missing an operator/],
    ['cos x', 0, /cos is a function/],
    ['cos(x, y)', 0, /cos takes 1 argument, got 2/],
    ['max(x)', 0, /max takes 2 arguments, got 1/],
    ['x(2)', 0, /x is not a function/],
    ['foo(x)', 0, /unknown name 'foo'/],
    ['x # y', 2, /unexpected '#'/],
    ['x = 1', 2, /unexpected '='/],
    ['1..2', 2, /unexpected '\.2'/],
    ['x ∗ y', 2, /U\+2217/],
    ['cos(x,)', 6, /unexpected '\)'/],
  ])('refuses %j at position %i', (text, position, message) => {
    const error = refusal(text);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['constructor.constructor("return process")()', 0],
    ['x; process.exit()', 1],
    ['__proto__', 0],
    ['toString(x)', 0],
    ['x.constructor', 1],
    ['prototype', 0],
    ['hasOwnProperty(x)', 0],
    ['valueOf', 0],
    ['this', 0],
    ['globalThis', 0],
    ['require("fs")', 0],
    ['`${x}`', 0],
    ["'x'", 0],
    ['[x]', 0],
    ['{}', 0],
    ['x => x', 2],
    ['eval("1")', 0],
  ])('refuses the hostile %j with a position, running nothing', (text, position) => {
    const error = refusal(text);
    expect(error.position).toBe(position);
  });

  it('caps length and nesting depth with a clear message', () => {
    const long = 'x+'.repeat(MAX_FORMULA_LENGTH) + 'x';
    expect(refusal(long)).toMatchObject({ position: MAX_FORMULA_LENGTH, message: expect.stringMatching(/too long/) });
    const deep = '('.repeat(MAX_FORMULA_DEPTH + 1) + 'x' + ')'.repeat(MAX_FORMULA_DEPTH + 1);
    expect(refusal(deep).message).toMatch(/nested too deeply/);
    const deepOk = '('.repeat(MAX_FORMULA_DEPTH - 1) + 'x' + ')'.repeat(MAX_FORMULA_DEPTH - 1);
    expect(checkFormula(deepOk)).toEqual({ ok: true });
    expect(refusal('-'.repeat(MAX_FORMULA_DEPTH + 1) + 'x').message).toMatch(/nested too deeply/);
    expect(refusal('x' + '^x'.repeat(MAX_FORMULA_DEPTH + 1)).message).toMatch(/nested too deeply/);
  });

  it('throws FormulaError, never anything else, for text that is not a string', () => {
    expect(() => parseFormula(42 as unknown as string)).toThrow(FormulaError);
  });
});
