import { describe, expect, it } from 'vitest';
import {
  LESSON_EN,
  LessonFormatError,
  LessonTemplateError,
  describeStepRun,
  fillStep,
  findStep,
  fillTemplate,
  formatFigure,
  parseLesson,
  sentenceApplies,
} from './lessonText.js';
import { LESSON_STEP_IDS } from './lessonSteps.js';
import lessonEn from '../../assets/lesson/en.json' with { type: 'json' };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

describe('the lesson text (assets/lesson/en.json)', () => {
  it('has the eleven steps in the lecture order, each with its explanation, code in both languages and sentences', () => {
    expect(LESSON_EN.steps.map((s) => s.id)).toEqual([...LESSON_STEP_IDS]);
    for (const step of LESSON_EN.steps) {
      expect(step.title.length, step.id).toBeGreaterThan(3);
      expect(step.explanation.length, step.id).toBeGreaterThan(0);
      expect(step.typescript.length, step.id).toBeGreaterThan(20);
      expect(step.python.length, step.id).toBeGreaterThan(20);
      expect(step.sentences.length, step.id).toBeGreaterThan(0);
      expect(
        placeholders(step.runs).every((p) => p === 'n'),
        `${step.id}: the run button text may only use {n}`,
      ).toBe(true);
      expect(describeStepRun(step)).not.toContain('{');
    }
    expect(LESSON_EN.steps.map((s) => s.n)).toEqual([80, 80, 80, 6000, 6000, 6000, 6000, 10000, 6000, 6000, 2000]);
  });

  it("keeps the lecture's facts in the code: the loop, the shapes, meshgrid, in_axes, pmap's device count", () => {
    const [loop, naive, mesh, , memory, vmapStep, pmapStep, answer, talk, gpu] = LESSON_EN.steps;
    expect(answer!.python).toContain('jax.jit(lambda x, y: jnp.max(f_grid(x, y)))');
    expect(talk!.python).toContain('jax.lax.pmax');
    expect(talk!.python).toContain('P("d")');
    expect(talk!.typescript).toContain("axisName: 'd'");
    expect(loop!.python).toContain('z_loops[i, j] = f(x[i], y[j])');
    expect(naive!.python).toContain('(80,)');
    expect(mesh!.python).toContain('jnp.allclose(z_mesh, z_loops)');
    expect(memory!.python).toContain('x_mesh.nbytes + y_mesh.nbytes');
    expect(vmapStep!.python).toContain('in_axes=(None, 0)');
    expect(vmapStep!.python).toContain('in_axes=(0, None)');
    expect(vmapStep!.typescript).toContain('inAxes: [null, 0]');
    expect(pmapStep!.python).toContain('jax.local_device_count()');
    expect(pmapStep!.python).toContain('shard_map');
    expect(gpu!.python).toContain('device_put');
  });

  it('refuses a file that is not a lesson, or has the steps out of order, saying what is wrong', () => {
    expect(() => parseLesson({})).toThrow(LessonFormatError);
    expect(() => parseLesson({ ...lessonEn, version: 2 })).toThrow(/version 2/);
    const swapped = { ...lessonEn, steps: [lessonEn.steps[1], lessonEn.steps[0], ...lessonEn.steps.slice(2)] };
    expect(() => parseLesson(swapped)).toThrow(/step 1 must have id 'loop', got 'naive'/);
    expect(() => parseLesson({ ...lessonEn, steps: lessonEn.steps.slice(0, 8) })).toThrow(/11 steps/);
  });
});

describe('templates', () => {
  it('format numbers for reading: integers whole, the rest to three digits', () => {
    expect(formatFigure(6400)).toBe('6,400');
    expect(formatFigure(2.68123)).toBe('2.68');
    expect(formatFigure(1234.5)).toBe('1,230');
    expect(formatFigure(1.2793e-7)).toBe('1.28e-7');
    expect(formatFigure(true)).toBe('true');
  });

  it('name the missing figure instead of printing a hole', () => {
    expect(fillTemplate('{a} and {b}', { a: '1', b: '2' })).toBe('1 and 2');
    expect(() => fillTemplate('{a} and {c}', { a: '1' })).toThrow(LessonTemplateError);
  });

  it('choose sentences by their flags', () => {
    expect(sentenceApplies({ text: '', when: ['ok'] }, { ok: true })).toBe(true);
    expect(sentenceApplies({ text: '', when: ['ok'] }, {})).toBe(false);
    expect(sentenceApplies({ text: '', unless: ['a', 'b'] }, { b: true })).toBe(false);
  });

  it("fill a step's sentences and headline with its figures, and show no headline for a step that was refused", () => {
    const loop = findStep('loop').step;
    const values = {
      n: 80,
      calls: 6400,
      ms: 2.5,
      firstMs: 30,
      perCallUs: 0.390625,
      callsAt6000: 36_000_000,
      secondsAt6000: 14.0625,
    };
    const filled = fillStep(loop, values);
    expect(filled.figures.calls).toBe('6,400');
    expect(filled.sentences[0]).toBe('At n = 80 the loop called f 6,400 times and took 2.5 ms: 0.391 µs per element.');
    expect(filled.headline).toEqual({ value: '0.391', unit: 'µs per element' });
    expect(fillStep(loop, { ...values, refused: true }).headline).toBeUndefined();
    expect(() => fillStep(loop, { n: 80 })).toThrow(/step 'loop', sentence 1 uses \{calls\}/);
  });

  it('says pmap was slower when it was, never "0.9 times faster"', () => {
    const pmapStep = findStep('pmap').step;
    const said = (values: Record<string, number | boolean>) =>
      pmapStep.sentences
        .filter((s) => sentenceApplies(s, { unavailable: false, refused: false, ...values }))
        .map((s) => s.text);
    expect(said({ faster: true }).join(' ')).toMatch(/\{speedup\} times faster/);
    expect(said({ faster: false }).join(' ')).toMatch(/\{slowdown\} times slower/);
    expect(said({ faster: false }).join(' ')).not.toMatch(/times faster/);
  });
});
