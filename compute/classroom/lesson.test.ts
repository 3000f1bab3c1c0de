import { describe, expect, it } from 'vitest';
import { runLessonStep } from './lesson.js';
import { LESSON_STEP_IDS } from './lessonSteps.js';

describe('running each step at a small grid', () => {
  for (const id of LESSON_STEP_IDS) {
    it(`${id}: measures figures and fills every sentence that applies`, async () => {
      const fractions: number[] = [];
      const result = await runLessonStep(id, { n: 24, repeats: 1, onProgress: (p) => fractions.push(p.fraction) });
      expect(result.id).toBe(id);
      expect(result.n).toBe(24);
      expect(result.sentences.length).toBeGreaterThan(0);
      for (const sentence of result.sentences) expect(sentence).not.toMatch(/\{\w+\}/);
      expect(fractions.at(-1)).toBe(1);
      const unavailable = result.values.unavailable === true;
      if (!unavailable) expect(result.headline?.value, id).toBeTruthy();
      switch (id) {
        case 'loop':
          expect(result.values.calls).toBe(576);
          expect(result.values.perCallUs).toBeGreaterThan(0);
          break;
        case 'naive':
          expect(result.figures.shape).toBe('(24,)');
          expect(result.figures.gridShape).toBe('(24, 24)');
          break;
        case 'meshgrid':
        case 'vmap':
          expect(result.values.allclose).toBe(true);
          break;
        case 'compile':
          expect(result.values.firstMs).toBeGreaterThan(0);
          expect(result.records[0]!.repeats).toBeGreaterThanOrEqual(1);
          break;
        case 'memory':
          expect(result.values.meshBytes).toBe(2 * 24 * 24 * 4);
          expect(result.values.ratio).toBe(48);
          break;
        case 'pmap':
          // The rule is shown by trying it, whatever the machine: the engine's own error text.
          expect(String(result.values.refusal)).toMatch(/pmap/);
          expect(result.values.tooMany).toBe((result.values.devices as number) + 1);
          expect(result.sentences.join(' ')).toContain(String(result.values.refusal));
          if (unavailable) expect(result.sentences.join(' ')).toContain(String(result.values.reason));
          else expect(result.values.speedup).toBeGreaterThan(0);
          break;
        case 'answer':
          // Three ways to the grid's maximum agree; the fused one holds a few KiB.
          expect(result.values.vmapMax).toBe(result.values.loopMax);
          if (result.values.meshRefused !== true) expect(result.values.meshMax).toBe(result.values.vmapMax);
          expect(result.records.find((r) => r.strategy === 'vmap')!.peakBytes!).toBeLessThan(64 * 1024);
          break;
        case 'talk':
          // Every device's partial is shown, and the total is the largest of them.
          expect(String(result.values.partials).split(', ')).toHaveLength(result.values.devices as number);
          expect(Math.max(...String(result.values.partials).split(', ').map(Number))).toBeCloseTo(
            result.values.total as number,
            5,
          );
          break;
        case 'gpu':
          if (unavailable) expect(result.sentences[0]).toContain(String(result.values.reason));
          else expect(result.values.kernelMs).toBeGreaterThanOrEqual(0);
          break;
        case 'roofline':
          // meshgrid writes and reads two meshes besides z: several times vmap's bytes, machine profile or not.
          expect(result.values.bytesRatio).toBeGreaterThan(3);
          expect(result.values.opsPerPoint).toBeGreaterThan(0);
          expect(result.sentences.join(' ')).toContain(`vmap ${String(result.values.vmapBytes)}`);
          if (!result.values.placed) expect(result.sentences.join(' ')).toMatch(/not been measured yet/);
          break;
      }
    });
  }

  it('turns a grid the memory guard refuses into a sentence, not a crash', async () => {
    const previous = process.env.VLAB_MEMORY_CAP;
    process.env.VLAB_MEMORY_CAP = '1000';
    try {
      const result = await runLessonStep('compile', { n: 64, repeats: 1 });
      expect(result.values.refused).toBe(true);
      expect(result.sentences[0]).toMatch(/refused on this machine: .*needs/);
      expect(result.headline).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.VLAB_MEMORY_CAP;
      else process.env.VLAB_MEMORY_CAP = previous;
    }
  });
});

describe('the lesson on a rectangular grid (the lab at nx = 300, ny = 200)', () => {
  const grid = { nx: 300, ny: 200, xRange: [-3, 1] as const, yRange: [0, 2] as const };

  it("naive: the step still shows the square diagonal, then JAX's shape error on the lab's grid", async () => {
    const result = await runLessonStep('naive', { n: 20, grid, dtype: 'float64' });
    expect(result.values).toMatchObject({ shape: '(20,)', rectangular: true, nx: 300, ny: 200 });
    expect(result.sentences.at(-1)).toBe(
      'On your 300 × 200 grid it fails outright, as JAX does: TypeError: add got incompatible shapes for broadcasting: (300,), (200,).',
    );
    expect(result.records.map((r) => [r.strategy, r.shapeError ?? null])).toEqual([
      ['naive', null],
      ['naive', 'add got incompatible shapes for broadcasting: (300,), (200,).'],
    ]);
    // Every run is over the lab's domain.
    for (const r of result.records)
      expect([r.xRange, r.yRange]).toEqual([
        [-3, 1],
        [0, 2],
      ]);
  });

  it("meshgrid: indexing='xy' gives (200, 300) against the loop's (300, 200)", async () => {
    const result = await runLessonStep('meshgrid', { n: 12, grid, dtype: 'float64', repeats: 0 });
    expect(result.values).toMatchObject({
      allclose: true,
      rectangular: true,
      xyShape: '(200, 300)',
      ijShape: '(300, 200)',
    });
    expect(result.sentences).toContain(
      "On your 300 × 200 grid, meshgrid(x, y) with the default indexing='xy' gives shape (200, 300), against the loop's (300, 200): z would hold f(x[j], y[i]), the transpose.",
    );
  });

  it('says on a square grid that only nx ≠ ny tells the indexings apart by shape', async () => {
    const result = await runLessonStep('meshgrid', { n: 12, dtype: 'float64', repeats: 0 });
    expect(result.values).toMatchObject({ rectangular: false, xyShape: '(12, 12)' });
    expect(result.sentences.at(-1)).toMatch(/make nx and ny differ/);
  });
});
