// What a reliability suite must run on this machine, and a tally of what it
// ran. Every available strategy is covered, and those that take a backend
// (vmap, meshgrid, naive, …) on every CPU backend there is — js and native —
// so a figure such as "stops every strategy" means what it says. What the
// machine has is found apart from the registry (the addon's file, a GPU
// adapter): a suite fails, not skips, when the addon is built or an adapter
// exists but a strategy that needs it did not run. Test tooling only.

import { expect } from 'vitest';
import { loadAddon } from '../../compute/backends/nativeAddon.js';
import { findAdapter } from '../../compute/backends/webgpuAdapter.js';
import { backendStatus, loadBackends } from '../../compute/backends/registry.js';
import type { BackendName } from '../../compute/backends/backend.js';
import { findStrategy } from '../../compute/strategies/index.js';
import { strategyAvailability } from '../../compute/strategies/run.js';
import type { StrategyName } from '../../compute/strategies/types.js';
import { recordReliability } from './reliability.js';

export interface Combination {
  strategy: StrategyName;
  /** Given for strategies that take a backend; the strategy's own default otherwise. */
  backend?: BackendName;
  /** "vmap on native", or the strategy's name. */
  label: string;
}

const CPU_BACKENDS: readonly BackendName[] = ['js', 'native'];

/** Every strategy this process can run, each backend-taking one on every CPU backend (loops: js, its only sensible one). */
export async function combinations(options: { exclude?: readonly StrategyName[] } = {}): Promise<Combination[]> {
  await loadBackends();
  const result: Combination[] = [];
  for (const { strategy, available } of await strategyAvailability()) {
    if (!available || options.exclude?.includes(strategy)) continue;
    if (findStrategy(strategy)?.takesBackend && strategy !== 'loops') {
      for (const backend of CPU_BACKENDS)
        if (backendStatus(backend).available) result.push({ strategy, backend, label: `${strategy} on ${backend}` });
    } else result.push({ strategy, label: strategy });
  }
  return result;
}

/** The labels a suite must have run here, whatever the registry says: the native ones if the addon loads, gpu if an adapter opens. */
export async function mustRun(exclude: readonly StrategyName[] = []): Promise<string[]> {
  const labels = ['loops', 'vmap on js', 'meshgrid on js', 'meshgrid-eager'];
  if (loadAddon().addon) labels.push('vmap on native', 'meshgrid on native', 'pmap');
  if (process.env.VLAB_GPU !== 'none' && (await findAdapter()).ok) labels.push('gpu');
  return labels.filter((label) => !exclude.includes(label.split(' ')[0] as StrategyName));
}

/** Counts a suite's runs per combination, then checks and reports them. */
export class RunTally {
  private readonly counts = new Map<string, number>();
  constructor(private readonly suite: string) {}

  count(label: string, runs = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + runs);
  }

  /** Fails the suite if a combination this machine can run did not run; then records the counts for the report. */
  async check(exclude: readonly StrategyName[] = []): Promise<void> {
    // 'meshgrid-eager' is met by a run on any backend ('meshgrid-eager on native').
    const ran = (label: string) =>
      [...this.counts].some(([key, runs]) => runs > 0 && (key === label || key.startsWith(`${label} on `)));
    const missing = (await mustRun(exclude)).filter((label) => !ran(label));
    expect(missing, `${this.suite}: combinations this machine can run but the suite did not`).toEqual([]);
    recordReliability('coverage', { suite: this.suite, ...Object.fromEntries(this.counts) });
  }
}
