// The settings the user is choosing: the grid (nx × ny over a domain, its
// dtype), the formula, the output (the grid or a number from it), the
// strategies ticked, repeats and threads. Setting
// one calls settingsChanged(), which the Lab overrides to follow the engine;
// this module never talks to the shell.

import type { DType, GridSettings, ReduceMode, RunSettings, StrategyName } from '../../../main/contract';

/** Loops above this n takes minutes; it starts unticked there, and the user may tick it. */
export const LOOPS_COMFORTABLE_N = 2000;

export class Settings {
  /** Points along x and along y: the grid is nx × ny, z[i, j] = f(x[i], y[j]). */
  nx = $state(1000);
  ny = $state(1000);
  /** Whether the two grid-size sliders move together (a square grid); the lock unlinks them. */
  linked = $state(true);
  /** The domain of x and of y. */
  xRange = $state.raw<readonly [number, number]>([-2, 2]);
  yRange = $state.raw<readonly [number, number]>([-2, 2]);
  dtype = $state<DType>('float32');
  formula = $state('');
  repeats = $state(3);
  /** pmap's devices; 0 = all. */
  threads = $state(0);
  selected = $state<StrategyName[]>([]);
  /** The output: the grid, or a number from it (max, min, sum, mean), which lets the grid grow past memory. */
  reduce = $state<ReduceMode>('grid');

  /** The square side, for what speaks of one size (presets, presenter line): nx. Sizes in points are nx·ny. */
  get n(): number {
    return this.nx;
  }

  /** The grid's points, nx·ny. */
  get points(): number {
    return this.nx * this.ny;
  }

  /** The grid and the formula, as the engine's requests take them. */
  grid(): GridSettings {
    return {
      nx: this.nx,
      ny: this.ny,
      xRange: this.xRange,
      yRange: this.yRange,
      dtype: this.dtype,
      formula: this.formula,
    };
  }

  /** The strategies a run takes; the Lab narrows the ticked ones to those available and shown. */
  protected strategies(): StrategyName[] {
    return this.selected;
  }

  settings(): RunSettings {
    return {
      ...this.grid(),
      strategies: this.strategies(),
      repeats: this.repeats,
      devices: this.threads,
      // The grid is the engine's default output: its requests stay as they were before numbers existed.
      ...(this.reduce !== 'grid' ? { reduce: this.reduce } : {}),
    };
  }

  /** Called after any setting changed; the Lab follows the engine from here. */
  settingsChanged(): void {}

  /** The largest side this output takes (the Lab knows the limits). */
  protected sideMax(_reduce: ReduceMode): number {
    return Infinity;
  }

  /** A new output; back to the grid, sides beyond the grid's limit are brought within it. */
  setReduce(reduce: ReduceMode): void {
    this.reduce = reduce;
    const max = this.sideMax(reduce);
    if (this.nx > max || this.ny > max) this.setGridSize(Math.min(this.nx, max), Math.min(this.ny, max));
    else this.settingsChanged();
  }

  /** Whether a strategy can be ticked here (the Lab knows which are available). */
  protected offers(_strategy: StrategyName): boolean {
    return true;
  }

  /** A square n × n grid (the presets), whether or not the sliders are linked. */
  setN(n: number): void {
    this.setGridSize(n, n);
  }

  /** nx from its slider: ny follows while the sliders are linked. */
  setNx(nx: number): void {
    this.setGridSize(nx, this.linked ? nx : this.ny);
  }

  /** ny from its slider: nx follows while the sliders are linked. */
  setNy(ny: number): void {
    this.setGridSize(this.linked ? ny : this.nx, ny);
  }

  /** Locks or unlocks the sliders; locking makes the grid square at nx. */
  setLinked(linked: boolean): void {
    this.linked = linked;
    if (linked && this.ny !== this.nx) this.setGridSize(this.nx, this.nx);
  }

  /** A new domain for x or y; the caller has checked it (finite, increasing). */
  setRange(axis: 'x' | 'y', range: readonly [number, number]): void {
    if (axis === 'x') this.xRange = range;
    else this.yRange = range;
    this.settingsChanged();
  }

  toggle(strategy: StrategyName, on: boolean): void {
    if (on) this.selected = this.selected.includes(strategy) ? this.selected : [...this.selected, strategy];
    else this.selected = this.selected.filter((s) => s !== strategy);
    this.settingsChanged();
  }

  private setGridSize(nx: number, ny: number): void {
    // Loops are comfortable up to 2000 × 2000 points, whatever the grid's shape.
    const comfortable = LOOPS_COMFORTABLE_N * LOOPS_COMFORTABLE_N;
    const wasComfortable = this.points <= comfortable;
    this.nx = nx;
    this.ny = ny;
    const isComfortable = this.points <= comfortable;
    if (wasComfortable && !isComfortable) this.selected = this.selected.filter((s) => s !== 'loops');
    if (!wasComfortable && isComfortable && this.offers('loops') && !this.selected.includes('loops')) {
      this.selected = [...this.selected, 'loops'];
    }
    this.settingsChanged();
  }
}
