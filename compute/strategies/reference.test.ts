// The reference check settles most elements with one inline test and sends the
// rest through the full per-element rules. These tests pin its verdicts to those
// rules, applied here to every element, on the inputs where a shortcut could go
// wrong: NaN and infinities on either side, a float32 result whose float64
// reference overflows float32, values at the tolerance's edge, strided results,
// and blocks of rows that do not divide the grid.

import { describe, expect, it } from 'vitest';
import { absDiff, isclose } from '../core/allclose.js';
import type { DType } from '../core/dtype.js';
import { NDArray } from '../core/ndarray.js';
import { compileFormula, evaluateFormulaScalar, type CompiledFormula } from '../formula/index.js';
import { jit } from '../transforms/jit.js';
import { gridAxes, gridFunction, gridOverAxes } from './grid.js';
import { checkAgainstReference, type NonFiniteCounts, type ReferenceCheck, TOLERANCES } from './reference.js';
import { runStrategy } from './run.js';
import type { GridSpec } from './types.js';

const FLOAT32_MAX = 3.4028234663852886e38;

function kindOf(value: number): keyof NonFiniteCounts | null {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'posInf';
  return value === -Infinity ? 'negInf' : null;
}

function valueAt(grid: NDArray, i: number, j: number): number {
  return grid.data[grid.offset + i * grid.strides[0]! + j * grid.strides[1]!]!;
}

function setAt(grid: NDArray, i: number, j: number, value: number): void {
  grid.data[grid.offset + i * grid.strides[0]! + j * grid.strides[1]!] = value;
}

/** The float64 reference of the whole grid in one call, at the points as `dtype` holds them. */
function referenceGrid(formula: CompiledFormula, grid: GridSpec, dtype: DType): { z: NDArray; x: NDArray; y: NDArray } {
  const [x, y] = gridAxes(grid, dtype).map((axis) => axis.astype('float64')) as [NDArray, NDArray];
  return { z: jit(gridOverAxes(gridFunction(formula)))(x, y) as NDArray, x, y };
}

/** The check's rules, element by element, with no shortcut. */
function everyElement(result: NDArray, formula: CompiledFormula, grid: GridSpec, dtype: DType): ReferenceCheck {
  const { z, x, y } = referenceGrid(formula, grid, dtype);
  const tolerance = TOLERANCES[result.dtype];
  const nonFinite: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 };
  let [maxAbsErr, allclose, nonFiniteMatch] = [0, true, true];
  for (let i = 0; i < grid.nx; i++) {
    for (let j = 0; j < grid.ny; j++) {
      const [value, expected] = [valueAt(result, i, j), z.data[i * grid.ny + j]!];
      maxAbsErr = Math.max(maxAbsErr, absDiff(value, expected));
      allclose &&= isclose(value, expected, tolerance);
      const kind = kindOf(value);
      if (kind) nonFinite[kind]++;
      const rounded = result.dtype === 'float32' ? Math.fround(expected) : expected;
      const float32 = () => kindOf(evaluateFormulaScalar(formula.ast, x.data[i]!, y.data[j]!, 'float32'));
      if (kind !== kindOf(rounded)) nonFiniteMatch &&= result.dtype === 'float32' && kind === float32();
    }
  }
  [z, x, y].forEach((a) => a.dispose());
  return { maxAbsErr, allclose, nonFinite, nonFiniteMatch, shapeMatches: true };
}

/** The reference rounded to `dtype`, stored row-major or (strided) column-major. */
function roundedReference(formula: CompiledFormula, grid: GridSpec, dtype: DType, layout: 'rows' | 'columns') {
  const { z, x, y } = referenceGrid(formula, grid, dtype);
  const stored =
    layout === 'rows' ? NDArray.empty([grid.nx, grid.ny], dtype) : NDArray.empty([grid.ny, grid.nx], dtype);
  const result = layout === 'rows' ? stored : stored.transpose();
  if (result !== stored) stored.dispose();
  for (let i = 0; i < grid.nx; i++) for (let j = 0; j < grid.ny; j++) setAt(result, i, j, z.data[i * grid.ny + j]!);
  [z, x, y].forEach((a) => a.dispose());
  return result;
}

const gridOf = (nx: number, ny: number): GridSpec => ({ nx, ny, xRange: [-2, 2], yRange: [-2, 2] });

/** Checks `result` both ways, expects the same verdicts, and returns them. */
async function pinned(result: NDArray, formula: CompiledFormula, spec: GridSpec, dtype: DType) {
  const check = await checkAgainstReference(result, formula, spec, dtype);
  expect(check).toEqual(everyElement(result, formula, spec, dtype));
  return check;
}

describe.each(['float32', 'float64'] as DType[])('the reference check on a %s result', (dtype) => {
  it('values just inside and just outside the tolerance, row-major and strided', async () => {
    const formula = compileFormula('x + 10*y');
    const spec = gridOf(5, 4);
    const { rtol, atol } = TOLERANCES[dtype];
    for (const layout of ['rows', 'columns'] as const) {
      const result = roundedReference(formula, spec, dtype, layout);
      expect(await pinned(result, formula, spec, dtype)).toMatchObject({ allclose: true, nonFiniteMatch: true });
      const expected = valueAt(result, 3, 1); // 1 + 10 * (-2/3): no grid value is 0, so rtol counts
      const edge = atol + rtol * Math.abs(expected);
      setAt(result, 3, 1, expected + 0.9 * edge);
      const inside = await pinned(result, formula, spec, dtype);
      expect(inside.allclose).toBe(true);
      expect(inside.maxAbsErr).toBeGreaterThan(0.8 * edge);
      setAt(result, 3, 1, expected - 1.1 * edge);
      const outside = await pinned(result, formula, spec, dtype);
      expect(outside).toMatchObject({ allclose: false, nonFiniteMatch: true, nonFinite: { nan: 0, posInf: 0 } });
      expect(outside.maxAbsErr).toBeGreaterThan(edge);
      result.dispose();
    }
  });

  it('NaN, +Inf and -Inf where the reference has them, and where it does not', async () => {
    // x = -2, -1 give NaN, x = 0 gives -Inf; 1/y adds +Inf at y = 0 (and NaN at x = 0, y = 0: -Inf + Inf).
    const formula = compileFormula('log(x) + 1/y');
    const spec = gridOf(5, 5);
    const result = roundedReference(formula, spec, dtype, 'columns');
    const matching = await pinned(result, formula, spec, dtype);
    expect(matching).toMatchObject({ allclose: false, nonFiniteMatch: true });
    expect(matching.maxAbsErr).toBeLessThan(1e-6); // each non-finite value where the reference has it
    expect(matching.nonFinite).toEqual({ nan: 11, posInf: 2, negInf: 4 });
    const cases: [number, number, number][] = [
      [4, 4, NaN], // NaN where the reference is finite
      [0, 1, 3], // finite where the reference is NaN
      [2, 0, Infinity], // +Inf where the reference is -Inf
      [3, 2, -Infinity], // -Inf where the reference is +Inf
      [4, 2, 1e30], // finite where the reference is +Inf
    ];
    for (const [i, j, value] of cases) {
      const before = valueAt(result, i, j);
      setAt(result, i, j, value);
      const check = await pinned(result, formula, spec, dtype);
      expect(check.nonFiniteMatch, `${value} at (${i}, ${j})`).toBe(false);
      expect(check.maxAbsErr).toBe(Infinity);
      setAt(result, i, j, before);
    }
    result.dispose();
  });
});

describe('a float32 result whose float64 reference overflows float32', () => {
  // 3.40285e38 is above float32's largest value and rounds to Inf; at x = 1 it is
  // within rtol of that largest value, so only the rounded reference tells them apart.
  const formula = compileFormula('x * 3.40285e38');
  const spec = gridOf(5, 3);

  it('Inf where the rounded reference is Inf matches; the largest float32 there does not', async () => {
    const result = roundedReference(formula, spec, 'float32', 'rows');
    expect(valueAt(result, 3, 0)).toBe(Infinity);
    expect((await pinned(result, formula, spec, 'float32')).nonFiniteMatch).toBe(true);
    setAt(result, 3, 0, FLOAT32_MAX);
    expect(isclose(FLOAT32_MAX, 3.40285e38, TOLERANCES.float32)).toBe(true);
    const check = await pinned(result, formula, spec, 'float32');
    expect(check.nonFiniteMatch).toBe(false);
    expect(check.nonFinite).toEqual({ nan: 0, posInf: 5, negInf: 6 });
    result.dispose();
  });

  it('a float32 computation (NaN at x = 0, from 0 × Inf) matches through the float32 evaluation', async () => {
    const { grid: computed } = await runStrategy(
      { strategy: 'vmap', n: 5, dtype: 'float32', backend: 'js', formula: 'x * 3.40285e38', repeats: 1 },
      { keepGrid: true },
    );
    const check = await pinned(computed!, formula, gridOf(5, 5), 'float32');
    expect(check).toMatchObject({ nonFiniteMatch: true, nonFinite: { nan: 5, posInf: 10, negInf: 10 } });
    computed!.dispose();
  });
});

describe('a grid checked in several blocks of rows', () => {
  it('a strided result whose rows span blocks that do not divide the grid', async () => {
    // 1 MiB of float64 holds two rows of 50 000: blocks of 2, 2 and 1 rows.
    const formula = compileFormula('sin(3*x) * y');
    const spec = gridOf(5, 50_000);
    const result = roundedReference(formula, spec, 'float64', 'columns');
    expect(await pinned(result, formula, spec, 'float64')).toMatchObject({ allclose: true, maxAbsErr: 0 });
    for (const [i, j] of [
      [4, 49_999],
      [2, 0],
      [1, 25_000],
    ]) {
      const before = valueAt(result, i!, j!);
      setAt(result, i!, j!, before + 0.5);
      const check = await pinned(result, formula, spec, 'float64');
      expect(check, `(${i}, ${j})`).toMatchObject({ allclose: false, nonFiniteMatch: true });
      expect(check.maxAbsErr).toBeCloseTo(0.5, 12);
      setAt(result, i!, j!, before);
    }
    result.dispose();
  });
});
