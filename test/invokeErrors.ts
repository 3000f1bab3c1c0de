// The contract's one error convention, checked from the renderer's side of a
// transport: the same refusals — a request that fails validation, a formula
// error, a memory-guard refusal, the busy engine, a settings file that is
// not one, the engine dying mid-task — must each reach the page as a
// LabFailure with its kind and numbers, whichever shell carries it. The
// Electron and web-shell tests both run these over a real LabService.
// Test tooling only.

import { expect } from 'vitest';
import type { GridSettings, LabApi } from '../main/contract.js';
import { LabFailure } from '../main/labError.js';
import type { LabService } from '../main/service.js';

const GRID: GridSettings = { nx: 200, ny: 200, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float64', formula: 'x * y' };

async function refusal(work: Promise<unknown>): Promise<LabFailure> {
  const outcome = await work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(LabFailure);
  return outcome.error as LabFailure;
}

export async function checkInvokeErrors(api: LabApi, service: LabService): Promise<void> {
  // Refused by validation, before the app acts.
  const invalid = await refusal(api.invoke('surface:preview', { ...GRID, nx: -5 }));
  expect(invalid).toMatchObject({ kind: 'invalid-request', message: expect.stringMatching(/request\.nx/) });

  // A formula error, with where it is.
  for (const channel of ['surface:preview', 'graph:trace'] as const) {
    const formula = await refusal(api.invoke(channel, { ...GRID, formula: 'cos(x^2 +' }));
    expect(formula, channel).toMatchObject({ kind: 'formula', position: 9, length: 0 });
  }

  // A settings file that is not one.
  expect(await refusal(api.invoke('settings:parse', { text: 'not json' }))).toMatchObject({
    kind: 'settings',
    message: expect.stringMatching(/not valid JSON/),
  });

  // While a sweep runs, a run is refused as busy; when the engine dies under the sweep, the sweep fails as a crash.
  const started = new Promise<void>((resolve) => {
    const off = api.on('classroom:progress', (progress) => {
      if (progress.taskId !== 'sweep-errors') return;
      off();
      resolve();
    });
  });
  const sweep = api.invoke('classroom:sweep', {
    taskId: 'sweep-errors',
    sweep: {
      nMin: 100,
      nMax: 3000,
      points: 6,
      strategies: ['loops'],
      dtype: 'float64',
      formula: 'x * y',
      repeats: 3,
      xRange: [-2, 2],
      yRange: [-2, 2],
    },
  });
  const swept = refusal(sweep);
  await started;
  const busy = await refusal(
    api.invoke('run:start', {
      ...GRID,
      strategies: ['vmap'],
      repeats: 0,
      devices: 0,
      runId: 'run-errors',
      includeFloor: false,
    }),
  );
  expect(busy).toMatchObject({
    kind: 'busy',
    message: expect.stringMatching(/a sweep is already in progress \(sweep-errors\)/),
  });
  // The engine that replaces it is a process started with this environment: the memory cap it reads is set first.
  process.env.VLAB_MEMORY_CAP = '4096';
  try {
    await service.engine.call('engine:crash', null).catch(() => undefined);
    expect(await swept).toMatchObject({ kind: 'crash', message: expect.stringMatching(/run engine/) });

    // The memory guard, with the bytes needed and those it may use.
    const memory = await refusal(api.invoke('export:grid', { ...GRID, format: 'npy' }));
    expect(memory).toMatchObject({ kind: 'memory', availableBytes: 4096 });
    expect(memory.neededBytes).toBeGreaterThanOrEqual(200 * 200 * 8);
  } finally {
    delete process.env.VLAB_MEMORY_CAP;
    // The next run engine starts without the cap, for whatever the caller does next.
    await service.engine.call('engine:crash', null).catch(() => undefined);
  }
}
