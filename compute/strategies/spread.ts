// How far a run's timed samples can be trusted: their spread (median,
// quartiles, IQR, standard deviation) and whether the run was noisy. A run is
// noisy when its samples spread widely (IQR over 20% of the median) or when
// the machine was busy with other work while it ran: the process's CPU time
// over the timed calls fell well short of their wall time × the threads that
// should have been computing. On a shared machine a median alone says little;
// the record says how much to believe it. Pure functions of numbers only.

/** IQR over this fraction of the median marks a run noisy. */
export const NOISY_IQR_FRACTION = 0.2;
/** CPU time under this fraction of wall × threads marks a run contended. */
export const CONTENDED_CPU_FRACTION = 0.75;
/** Below this much timed wall time, CPU accounting is too coarse to judge contention. */
export const MIN_CONTENTION_WALL_MS = 5;

export interface Spread {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Third quartile minus first, NumPy's default (linear) percentile method. */
  iqrMs: number;
  /** Sample standard deviation (n − 1 in the denominator, as hyperfine's); 0 for one sample. */
  stddevMs: number;
}

/** The q-th quantile (0..1) of ascending values, interpolated linearly between ranks as numpy.percentile does. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Spread of samples in any order; NaN throughout when there are none. */
export function spreadOf(samplesMs: readonly number[]): Spread {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / count;
  const variance = count > 1 ? sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (count - 1) : 0;
  return {
    medianMs: quantile(sorted, 0.5),
    minMs: count ? sorted[0]! : NaN,
    maxMs: count ? sorted[count - 1]! : NaN,
    iqrMs: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    stddevMs: count ? Math.sqrt(variance) : NaN,
  };
}

export interface CpuShare {
  /** Process CPU time (user + system, every thread) over the timed calls. */
  cpuMs: number;
  /** Wall time of the same calls. */
  wallMs: number;
  /** Threads that should have been busy throughout: 1 in-thread or one pool thread, d for pmap on d devices. */
  threads: number;
}

export interface NoisyVerdict {
  noisy: boolean;
  /** Why, with the numbers; absent when not noisy. */
  noisyReason?: string;
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/**
 * Noisy when the spread is wide or the CPU was shared. `cpu` is left out
 * where CPU time says nothing about contention (a GPU run waits on the device).
 */
export function noisyVerdict(spread: Pick<Spread, 'medianMs' | 'iqrMs'>, cpu?: CpuShare): NoisyVerdict {
  const reasons: string[] = [];
  if (spread.medianMs > 0 && spread.iqrMs > NOISY_IQR_FRACTION * spread.medianMs) {
    reasons.push(
      `IQR is ${percent(spread.iqrMs / spread.medianMs)} of the median (over ${percent(NOISY_IQR_FRACTION)})`,
    );
  }
  if (cpu && cpu.wallMs >= MIN_CONTENTION_WALL_MS && cpu.threads > 0) {
    const share = cpu.cpuMs / (cpu.wallMs * cpu.threads);
    if (share < CONTENDED_CPU_FRACTION) {
      const threads = cpu.threads === 1 ? '1 thread' : `${cpu.threads} threads`;
      reasons.push(
        `the machine was busy: CPU time was ${percent(share)} of wall time × ${threads} (under ` +
          `${percent(CONTENDED_CPU_FRACTION)})`,
      );
    }
  }
  return reasons.length ? { noisy: true, noisyReason: reasons.join('; ') } : { noisy: false };
}
