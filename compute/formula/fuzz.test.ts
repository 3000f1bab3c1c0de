// Hostile-input suite for the formula parser: thousands of generated strings,
// each of which must either compile to a graph whose values match the
// independent evaluator, or be refused with a position — quickly, never
// throwing anything else, never touching the file system or the process.

import fs from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { compileFormula } from './compile.js';
import { evaluateFormulaScalar } from './evaluate.js';
import { FormulaError, MAX_FORMULA_LENGTH } from './syntax.js';
import { FUNCTIONS } from './vocabulary.js';
import { jit } from '../transforms/jit.js';
import { NDArray } from '../core/ndarray.js';
import type { Value } from '../core/trace.js';
import { recordReliability } from '../../test/reliability/reliability.js';

const SEED = 20261125;
/** Per input, compile included; generous because CI machines are shared and a first jit warms up. */
const TIME_BOUND_MS = 1000;
const POINTS: [number, number][] = [
  [0, 0],
  [1, -1],
  [-2, 2],
  [0.5, 1.5],
  [-1.25, -0.75],
];
const xs = NDArray.from(
  POINTS.map((p) => p[0]),
  'float64',
);
const ys = NDArray.from(
  POINTS.map((p) => p[1]),
  'float64',
);

const tally = { tried: 0, compiled: 0, refused: 0, crashes: 0, slowest: 0 };

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b))
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Tries one input; returns 'compiled' or 'refused', or throws what the property must not allow. */
function tryFormula(text: string): 'compiled' | 'refused' {
  tally.tried++;
  const started = performance.now();
  try {
    let f;
    try {
      f = compileFormula(text);
    } catch (error) {
      if (!(error instanceof FormulaError)) {
        tally.crashes++;
        throw new Error(`${JSON.stringify(text)} threw ${String(error)}`, { cause: error });
      }
      expect(Number.isInteger(error.position)).toBe(true);
      expect(error.position).toBeGreaterThanOrEqual(0);
      expect(error.position).toBeLessThanOrEqual(text.length);
      expect(error.message.length).toBeGreaterThan(0);
      tally.refused++;
      return 'refused';
    }
    const z = jit((a: Value, b: Value) => f.fn(a, b))(xs, ys);
    const values = z instanceof NDArray ? z.toTypedArray() : null;
    POINTS.forEach(([x, y], i) => {
      const expected = evaluateFormulaScalar(f.ast, x, y);
      const got = values ? (values.length === 1 ? values[0]! : values[i]!) : NaN;
      if (!sameValue(got, expected))
        throw new Error(`${JSON.stringify(text)} at (${x}, ${y}): graph ${got}, evaluator ${expected}`);
    });
    tally.compiled++;
    return 'compiled';
  } finally {
    const ms = performance.now() - started;
    tally.slowest = Math.max(tally.slowest, ms);
    expect(ms, `${JSON.stringify(text.slice(0, 80))} took ${ms.toFixed(1)} ms`).toBeLessThan(TIME_BOUND_MS);
  }
}

// Valid formulas from the grammar, rendered with random spacing and parentheses.
const leaf = fc.oneof(
  fc.constantFrom('x', 'y', 'pi', 'e'),
  fc.double({ min: 0, max: 1e3, noNaN: true }).map((v) => String(v)),
  fc.integer({ min: 0, max: 9 }).map(String),
);
const { formula: validFormula } = fc.letrec<{ formula: string }>((tie) => ({
  formula: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('formula'), fc.constantFrom('+', '-', '*', '/', '%', '^', '**'), tie('formula'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc.tuple(fc.constantFrom('-', '+'), tie('formula')).map(([s, a]) => `${s}(${a})`),
    fc
      .tuple(fc.constantFrom(...[...FUNCTIONS].filter(([, f]) => f.arity === 1).map(([n]) => n)), tie('formula'))
      .map(([n, a]) => `${n}(${a})`),
    fc
      .tuple(
        fc.constantFrom(...[...FUNCTIONS].filter(([, f]) => f.arity === 2).map(([n]) => n)),
        tie('formula'),
        tie('formula'),
      )
      .map(([n, a, b]) => `${n}(${a}, ${b})`),
  ),
}));

// Every property name reachable from ordinary JavaScript objects.
const PROPERTY_NAMES = [
  ...new Set(
    [
      Object.prototype,
      Function.prototype,
      Array.prototype,
      String.prototype,
      Number.prototype,
      Object,
      Function,
      globalThis,
      Math,
      Reflect,
      process,
    ]
      .flatMap((o) => Object.getOwnPropertyNames(o))
      .concat(['__proto__', 'constructor', 'prototype', '__defineGetter__', 'caller', 'callee', 'arguments']),
  ),
];

const LOOKALIKES = [
  'х',
  'у',
  'ｘ',
  'ⅹ',
  'с',
  'ο',
  '−',
  '∗',
  '⁄',
  '²',
  '\u200b',
  '\u00a0',
  '\ufeff',
  '𝑥',
  'ſ',
  'K',
  'ɡ',
];
const PIECES = [
  'x',
  'y',
  '(',
  ')',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '**',
  ',',
  '.',
  'e',
  'E',
  '1',
  '0',
  '9',
  ' ',
  'cos',
  'pi',
  'min',
  ';',
  '"',
  "'",
  '`',
  '[',
  ']',
  '{',
  '}',
  '=',
  '=>',
  '\\',
  '$',
  '#',
  '\n',
  ...LOOKALIKES,
];

describe('formula parser under hostile input', () => {
  const fsSpies = (
    ['readFileSync', 'writeFileSync', 'openSync', 'readdirSync', 'rmSync', 'unlinkSync', 'mkdirSync'] as const
  ).map((m) => vi.spyOn(fs, m));
  const exitSpy = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    throw new Error(`process.exit(${code}) was called`);
  }) as never);
  const killSpy = vi.spyOn(process, 'kill');

  afterAll(() => {
    for (const spy of fsSpies) expect(spy, 'a formula touched the file system').not.toHaveBeenCalled();
    expect(exitSpy).not.toHaveBeenCalled();
    expect(killSpy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    console.log(
      `formula fuzz: ${tally.tried} inputs tried, ${tally.compiled} compiled and matched the evaluator, ${tally.refused} refused with a position, ${tally.crashes} crashes, slowest ${tally.slowest.toFixed(1)} ms`,
    );
    recordReliability('formula-fuzz', {
      tried: tally.tried,
      refused: tally.refused,
      crashes: tally.crashes,
      slowestMs: tally.slowest,
    });
  });

  it('valid formulas from the grammar compile and match the independent evaluator', () => {
    fc.assert(
      fc.property(validFormula, (text) => tryFormula(text) === 'compiled' || text.length > MAX_FORMULA_LENGTH),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('random text from the formula alphabet, look-alikes included, compiles or is refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join('')),
        (text) => void tryFormula(text),
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('random Unicode and bytes are refused with a position or compile', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => void tryFormula(text)),
      { seed: SEED, numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => void tryFormula(Buffer.from(bytes).toString('latin1'))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('every JavaScript property name is an unknown name, alone, called, or as a member', () => {
    for (const name of PROPERTY_NAMES) {
      for (const text of [name, `${name}(x)`, `x.${name}`, `${name}.constructor("return process")()`, `cos(${name})`]) {
        const known = FUNCTIONS.has(name) || ['x', 'y', 'e', 'pi'].includes(name);
        const outcome = tryFormula(text);
        if (!known) expect(outcome, text).toBe('refused');
      }
    }
  });

  it('deep nesting, very long inputs and float-parsing edges', () => {
    for (const depth of [10, 100, 199, 200, 201, 1000, 5000]) {
      tryFormula('('.repeat(depth) + 'x' + ')'.repeat(depth));
      tryFormula('-'.repeat(depth) + 'x');
      tryFormula('cos('.repeat(depth) + 'x' + ')'.repeat(depth));
      tryFormula('x' + '^x'.repeat(depth));
      tryFormula('('.repeat(depth));
    }
    for (const length of [1999, 2000, 2001, 100_000, 1_000_000]) {
      tryFormula('x+'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2 ? 1 : 0));
      tryFormula('9'.repeat(length));
    }
    const edges = [
      '1e308',
      '1.7976931348623157e308',
      '1.8e308',
      '1e-323',
      '4.9e-324',
      '2.5e-324',
      '1e-400',
      '0.' + '0'.repeat(400) + '1',
      '1' + '0'.repeat(400),
      '1e',
      '1e+',
      '1e-',
      '.e1',
      '0x10',
      '1_000',
      'Infinity',
      'NaN',
      '-0',
      '00012',
      '1.2.3',
    ];
    for (const edge of edges) for (const text of [edge, `x * ${edge}`, `${edge}^x`]) tryFormula(text);
  });
});
