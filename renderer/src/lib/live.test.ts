import { recordFixture } from '../../../test/fixtures';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  AppInfo,
  CalibrationRequest,
  CalibrationResult,
  EventMap,
  EventName,
  GridSettings,
  LabApi,
  RunBatchRequest,
  RunBatchResult,
  RunRecord,
  RunSettings,
  StrategyName,
} from '../../../main/contract';
import { LIVE_BUDGET_MS, LIVE_DEBOUNCE_MS, Live, measures, type LiveHost } from './live.svelte';
import { OPENING_WAIT_MS } from './liveOpening';

/** A shell whose runs finish when the test says: run:start waits, run:cancel ends it as cancelled. */
class FakeShell implements LabApi {
  readonly starts: RunBatchRequest[] = [];
  readonly cancels: string[] = [];
  readonly calibrations: CalibrationRequest[] = [];
  /** Each strategy's cost per point in the calibration's answer (ns); 1 where not named. */
  calibratedNs: Partial<Record<StrategyName, number>> = {};
  private readonly pending = new Map<string, (result: RunBatchResult) => void>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  invoke(channel: string, request: unknown): Promise<never> {
    const answer = (value: unknown) => Promise.resolve(value as never);
    if (channel === 'run:guard')
      return answer({
        entries: (request as RunSettings).strategies.map((strategy) => ({ strategy, predictedBytes: 1, fits: true })),
      });
    if (channel === 'live:calibrate') {
      const asked = request as CalibrationRequest;
      this.calibrations.push(asked);
      const strategies = (asked.strategies ?? []).map((strategy) => {
        const nsPerPoint = this.calibratedNs[strategy] ?? 1;
        return {
          strategy,
          fixedMs: 0.05,
          nsPerPoint,
          compileMs: 1,
          samples: [1024, 16384].map((points) => ({ points, callMs: 0.05 + (nsPerPoint * points) / 1e6 })),
        };
      });
      return answer({
        dtype: asked.dtype,
        formula: asked.formula,
        strategies,
        elapsedMs: 20,
      } satisfies CalibrationResult);
    }
    if (channel === 'run:cancel') {
      const { runId } = request as { runId: string };
      this.cancels.push(runId);
      this.finish(runId, true);
      return answer({ cancelled: true });
    }
    if (channel === 'run:start') {
      const start = request as RunBatchRequest;
      this.starts.push(start);
      return new Promise<never>((resolve) => this.pending.set(start.runId, (result) => resolve(result as never)));
    }
    throw new Error(`unexpected ${channel}`);
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener as (payload: unknown) => void);
    return () => undefined;
  }

  /** The run measures each strategy it was asked for in `msPerPoint` a call, and ends. */
  complete(runId: string, msPerPoint = 1e-6): void {
    const start = this.starts.find((s) => s.runId === runId)!;
    for (const strategy of start.strategies)
      this.emit('run:record', { runId, record: record(strategy, start.nx, msPerPoint * start.nx * start.ny) });
    this.finish(runId, false);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  private finish(runId: string, cancelled: boolean): void {
    this.pending.get(runId)?.({ runId, records: [], failures: [], cancelled });
    this.pending.delete(runId);
  }
}

/** A record of an n × n grid over [-2, 2]², every call `medianMs`. */
function record(strategy: StrategyName, n: number, medianMs: number): RunRecord {
  return recordFixture(strategy, n, medianMs);
}

let shell: FakeShell;
let settings: RunSettings;
let live: Live;

function host(info: AppInfo | null = null): LiveHost {
  return {
    api: shell,
    info,
    settings: () => settings,
    get formula() {
      return settings.formula;
    },
    checkedFormula: 'x + y',
    formulaValid: true,
  };
}

function setN(n: number): void {
  settings = { ...settings, nx: n, ny: n };
  live.settingsChanged();
}

/** Lets the timers and the promise callbacks behind them run. */
async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

beforeEach(() => {
  vi.useFakeTimers();
  shell = new FakeShell();
  settings = {
    nx: 100,
    ny: 100,
    xRange: [-2, 2],
    yRange: [-2, 2],
    dtype: 'float32',
    formula: 'x + y',
    strategies: ['loops', 'meshgrid', 'vmap'],
    repeats: 3,
    devices: 0,
  };
  live = new Live(host());
  live.start();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the Live switch', () => {
  it('is on, and the settings it starts with are not a change: the opening grid is timed once', async () => {
    expect(live.on).toBe(true);
    live.settingsChanged();
    await elapse(1000);
    expect(shell.starts.map((s) => s.nx)).toEqual([100]);
  });

  it('calibrates the lab’s strategies at launch and times the opening grid at once; the GPU is calibrated after', async () => {
    shell = new FakeShell();
    shell.calibratedNs = { loops: 1000, meshgrid: 2, vmap: 2 };
    settings = { ...settings, nx: 2000, ny: 2000, strategies: ['loops', 'meshgrid', 'vmap', 'gpu', 'numpy'] };
    const info = {
      strategies: { lab: ['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap', 'pmap', 'gpu'], peers: ['numpy'] },
    } as unknown as AppInfo;
    live = new Live(host(info));
    live.start();
    // No input: the calibration of the CPU strategies (never the peers), then the opening grid.
    expect(shell.calibrations.map((c) => c.strategies)).toEqual([['loops', 'meshgrid', 'vmap']]);
    await elapse(0);
    expect(live.costs.calibrations).toHaveLength(1);
    // Predicted from the calibration: loops at 4e6 points, 1 µs each (compile, first call, 3 repeats, the check),
    // is over the budget; meshgrid and vmap fit,
    // and the GPU's first guess (with its compile) does not fit beside them.
    expect(shell.starts.map((s) => s.strategies)).toEqual([['meshgrid', 'vmap']]);
    const loops = live.barState('loops', settings);
    expect(loops.kind === 'over-budget' && loops.predictedMs).toBeCloseTo(1 + 4 * (0.05 + 1000 * 4) + 20 * 4, 0);
    shell.complete(shell.starts[0]!.runId);
    await elapse(0);
    expect(shell.calibrations.map((c) => c.strategies)).toEqual([['loops', 'meshgrid', 'vmap'], ['gpu']]);
    expect(live.costs.known('gpu')).toBe(true);
  });

  it('says when the opening run has ended (the 3D view is made after it), or at once off, or after the cap', async () => {
    let ended = false;
    void live.opening.ended.then(() => (ended = true));
    await elapse(0);
    expect(shell.starts).toHaveLength(1);
    expect(ended).toBe(false);
    shell.complete(shell.starts[0]!.runId);
    await elapse(0);
    expect(ended).toBe(true);

    live = new Live(host());
    let off = false;
    void live.opening.ended.then(() => (off = true));
    live.setOn(false);
    await Promise.resolve();
    expect(off).toBe(true);

    // Held from the start and never released: the view does not wait past the cap.
    live = new Live(host());
    let capped = false;
    void live.opening.ended.then(() => (capped = true));
    live.held = 1;
    live.start();
    await elapse(OPENING_WAIT_MS - 10);
    expect(capped).toBe(false);
    await elapse(20);
    expect(capped).toBe(true);
  });

  it('calibrates a GPU whose probe settles after launch: after the opening run if one is going, else at once', async () => {
    const info = {
      strategies: { lab: ['loops', 'naive', 'meshgrid', 'meshgrid-eager', 'vmap', 'pmap', 'gpu'], peers: ['numpy'] },
    } as unknown as AppInfo;
    // Arrived while the opening run is in flight: the run takes it when it ends.
    shell = new FakeShell();
    live = new Live(host(info));
    live.start();
    await elapse(0);
    expect(shell.starts).toHaveLength(1);
    settings = { ...settings, strategies: [...settings.strategies, 'gpu'] };
    live.arrived(['gpu', 'numpy']);
    expect(shell.calibrations).toHaveLength(1);
    shell.complete(shell.starts[0]!.runId);
    await elapse(0);
    expect(shell.calibrations.map((c) => c.strategies)).toEqual([['loops', 'meshgrid', 'vmap'], ['gpu']]);

    // Arrived once Live is idle: calibrated at once, then timed (a GPU calibrated cheap fits the budget).
    shell = new FakeShell();
    shell.calibratedNs = { gpu: 0.1 };
    settings = { ...settings, strategies: ['meshgrid', 'vmap'] };
    live = new Live(host(info));
    live.start();
    await elapse(0);
    shell.complete(shell.starts[0]!.runId);
    await elapse(1000);
    expect(shell.starts).toHaveLength(1);
    settings = { ...settings, strategies: ['meshgrid', 'vmap', 'gpu'] };
    live.arrived(['gpu']);
    await elapse(0);
    expect(shell.calibrations.map((c) => c.strategies)).toEqual([['meshgrid', 'vmap'], ['gpu']]);
    expect(shell.starts.map((s) => s.strategies)).toEqual([['meshgrid', 'vmap'], ['gpu']]);
  });

  it('times the current grid again once the machine is measured, for records the engine did not place, once each', async () => {
    await elapse(0);
    shell.complete(shell.starts[0]!.runId);
    await elapse(0);
    const before = shell.starts.length;
    // vmap's record was placed on a profile; the others were made before there was one.
    shell.emit('run:record', { runId: 'run-1', record: { ...record('vmap', 100, 0.01), bound: 'DRAM' } });
    live.retime();
    await elapse(0);
    expect(shell.starts.slice(before).map((s) => [...s.strategies].sort())).toEqual([['loops', 'meshgrid']]);
    shell.complete(shell.starts.at(-1)!.runId);
    await elapse(1000);
    // The fake engine places nothing: tried once, not again.
    expect(shell.starts).toHaveLength(before + 1);
  });

  it('runs once the settings have been still for the debounce, at the latest settings', async () => {
    setN(120);
    await elapse(LIVE_DEBOUNCE_MS / 2);
    setN(140);
    await elapse(LIVE_DEBOUNCE_MS / 2);
    setN(160);
    await elapse(LIVE_DEBOUNCE_MS - 10);
    expect(shell.starts).toHaveLength(0);
    await elapse(20);
    expect(shell.starts.map((s) => s.nx)).toEqual([160]);
    expect(shell.starts[0]!.runId).toMatch(/^live-/);
    expect(live.owns(shell.starts[0]!.runId)).toBe(true);
  });

  it('cancels the run in flight as soon as a newer setting arrives, and starts the next once it has stopped', async () => {
    setN(200);
    await elapse(LIVE_DEBOUNCE_MS + 1);
    const first = shell.starts[0]!.runId;
    setN(300);
    expect(shell.cancels).toEqual([first]);
    await elapse(LIVE_DEBOUNCE_MS + 1);
    expect(shell.starts.map((s) => s.nx)).toEqual([200, 300]);
    expect(live.counts.cancelled).toBe(1);
  });

  it('measures the strategies that fit the budget and leaves the rest greyed with what Run would cost', async () => {
    // Measured at n = 100: loops 5 ms a call, the others 0.01 ms.
    shell.emit('run:record', { runId: 'run-1', record: record('loops', 100, 5) });
    shell.emit('run:record', { runId: 'run-1', record: record('meshgrid', 100, 0.01) });
    shell.emit('run:record', { runId: 'run-1', record: record('vmap', 100, 0.01) });
    setN(1000);
    await elapse(LIVE_DEBOUNCE_MS + 1);
    expect(shell.starts[0]!.strategies).toEqual(['meshgrid', 'vmap']);
    // 100× the points: 500 ms a call, the first and three repeats.
    const state = live.barState('loops', settings);
    expect(state.kind).toBe('over-budget');
    expect(state.kind === 'over-budget' && state.predictedMs).toBeCloseTo(4 * 500 + 20, 0);
    expect(live.barState('vmap', settings).kind).toBe('measuring');
    shell.complete(shell.starts[0]!.runId);
    await elapse(1);
    expect(live.barState('vmap', settings).kind).toBe('current');
    expect(live.barState('loops', settings).kind).toBe('over-budget');
  });

  it('goes on a budget at a time until every strategy that fits on its own is measured, then stops', async () => {
    settings = { ...settings, strategies: ['meshgrid', 'vmap', 'pmap'] };
    // Each predicted at about 300 ms: one per budget.
    for (const strategy of settings.strategies)
      shell.emit('run:record', { runId: 'run-1', record: record(strategy, 100, 0.75) });
    setN(1000);
    const completed = new Set<string>();
    for (let round = 0; round < 5; round++) {
      await elapse(LIVE_DEBOUNCE_MS + 1);
      const last = shell.starts.at(-1);
      if (last && !completed.has(last.runId)) {
        completed.add(last.runId);
        shell.complete(last.runId, 0.75 / 10_000);
      }
    }
    await elapse(1000);
    expect(LIVE_BUDGET_MS).toBe(500);
    expect(shell.starts.map((s) => s.strategies)).toEqual([['meshgrid'], ['vmap'], ['pmap']]);
    for (const strategy of settings.strategies) expect(live.barState(strategy, settings).kind).toBe('current');
  });

  it('is held by Run: the live run is cancelled and waited for, and nothing runs until release', async () => {
    setN(200);
    await elapse(LIVE_DEBOUNCE_MS + 1);
    let held = false;
    const holding = live.hold().then(() => (held = true));
    await elapse(0);
    expect(shell.cancels).toHaveLength(1);
    await holding;
    expect(held).toBe(true);
    setN(300);
    await elapse(1000);
    expect(shell.starts).toHaveLength(1);
    live.release();
    await elapse(LIVE_DEBOUNCE_MS + 1);
    expect(shell.starts.map((s) => s.nx)).toEqual([200, 300]);
  });

  it('off, runs nothing and cancels what is in flight', async () => {
    setN(200);
    await elapse(LIVE_DEBOUNCE_MS + 1);
    live.setOn(false);
    expect(shell.cancels).toHaveLength(1);
    setN(300);
    await elapse(1000);
    expect(shell.starts).toHaveLength(1);
    expect(live.barState('vmap', settings).kind).toBe('stale');
  });
});

describe('whether a bar measured the current settings', () => {
  const grid: GridSettings = { nx: 300, ny: 300, xRange: [-2, 2], yRange: [-2, 2], dtype: 'float32', formula: 'x + y' };

  it('compares the grid’s size and domain, the dtype and the formula (the floor has no formula)', () => {
    expect(measures(record('vmap', 300, 1), grid)).toBe(true);
    expect(measures(record('vmap', 301, 1), grid)).toBe(false);
    expect(measures(record('vmap', 300, 1), { ...grid, ny: 200 })).toBe(false);
    expect(measures(record('vmap', 300, 1), { ...grid, xRange: [-3, 1] })).toBe(false);
    expect(measures(record('vmap', 300, 1), { ...grid, dtype: 'float64' })).toBe(false);
    expect(measures(record('vmap', 300, 1), { ...grid, formula: 'x - y' })).toBe(false);
    expect(measures({ ...record('vmap', 300, 1), strategy: 'limit' }, { ...grid, formula: 'x - y' })).toBe(true);
  });

  it('ignores a grid setting the record does not carry', () => {
    expect(measures(record('vmap', 300, 1), { ...grid, zRange: [0, 1] } as GridSettings)).toBe(true);
  });
});
