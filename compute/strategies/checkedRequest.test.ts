import { afterEach, describe, expect, it, vi } from 'vitest';

// Counts the schema checks a run makes: a request is validated once where it enters, never again inside.
const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock('../schema/describe.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../schema/describe.js')>();
  return {
    ...original,
    check: ((...args: Parameters<typeof original.check>) => {
      checks.count++;
      return original.check(...args);
    }) as typeof original.check,
  };
});

const { checkRunRequest } = await import('./requestSchema.js');
const { asCheckedRunRequest } = await import('./checkedRequest.js');
const { guardChecked, guardRequest, runChecked, runStrategy, RunRequestError } = await import('./run.js');
const { MemoryGuardError } = await import('./memoryGuard.js');
const { ENGINE_MAX_N } = await import('../limits.js');

afterEach(() => {
  checks.count = 0;
});

describe('checkRunRequest', () => {
  it('turns the square shorthand n into nx, ny and the default domain, once', () => {
    expect(checkRunRequest({ strategy: 'vmap', n: 7, dtype: 'float64' })).toEqual({
      strategy: 'vmap',
      nx: 7,
      ny: 7,
      xRange: [-2, 2],
      yRange: [-2, 2],
      dtype: 'float64',
    });
    expect(checkRunRequest({ strategy: 'vmap', n: 7, ny: 3, yRange: [0, 1] })).toMatchObject({ nx: 7, ny: 3 });
    expect(checks.count).toBe(2);
  });

  it('refuses a request without a size, or with a field out of range, naming it', () => {
    expect(() => checkRunRequest({ strategy: 'vmap', nx: 4 })).toThrow(/give the grid's size/);
    expect(() => checkRunRequest({ strategy: 'vmap', n: 0 })).toThrow(RunRequestError);
    expect(() => checkRunRequest({ strategy: 'vmap', n: 4, repeats: -1 })).toThrow(/repeats/);
  });
});

describe('the engine’s two doors', () => {
  it('runStrategy (the API, the CLI) validates the request exactly once', async () => {
    const { record } = await runStrategy({ strategy: 'vmap', n: 16, repeats: 0, backend: 'js' });
    expect(record).toMatchObject({ nx: 16, ny: 16, allclose: true });
    expect(checks.count).toBe(1);
  });

  it('runChecked (a request validated where it entered) never validates it again', async () => {
    const request = asCheckedRunRequest({ strategy: 'vmap', nx: 16, ny: 8, xRange: [0, 1], yRange: [-1, 1] });
    const { record } = await runChecked({ ...request, repeats: 0, backend: 'js' });
    expect(record).toMatchObject({ nx: 16, ny: 8, xRange: [0, 1], allclose: true });
    expect(checks.count).toBe(0);
  });

  it('guards an unchecked request by its schema first, a checked one by memory alone', () => {
    const huge = { strategy: 'meshgrid' as const, nx: ENGINE_MAX_N + 1, ny: ENGINE_MAX_N };
    expect(() => guardRequest(huge)).toThrow(RunRequestError);
    expect(checks.count).toBe(1);
    expect(() => guardChecked(asCheckedRunRequest({ ...huge, xRange: [-2, 2], yRange: [-2, 2] }))).toThrow(
      MemoryGuardError,
    );
    expect(checks.count).toBe(1);
  });
});
