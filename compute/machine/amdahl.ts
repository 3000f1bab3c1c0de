// Amdahl's law fitted to a threads sweep: speed-up(p) = 1 / (s + (1 − s)/p),
// s the serial fraction. Least squares on the time model t(p) = t1 · (s + (1 − s)/p),
// which is linear in s: t(p)/t1 − 1/p = s · (1 − 1/p). Points past the core
// count are left out of the fit (devices beyond the cores share them: a
// different law), and kept for the reader to see. Pure arithmetic.

import type { AmdahlFit } from './types.js';

export function amdahlSpeedup(serialFraction: number, threads: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / threads);
}

/** The fit over points with threads ≤ cores; the 1-thread point is the baseline and must be present. */
export function fitAmdahl(points: readonly { threads: number; ms: number }[], cores: number): AmdahlFit | null {
  const base = points.find((p) => p.threads === 1);
  const fitted = points.filter((p) => p.threads > 1 && p.threads <= cores);
  if (!base || !(base.ms > 0) || fitted.length === 0) return null;
  // Minimize Σ (a_p · s − b_p)² with a_p = 1 − 1/p and b_p = t(p)/t1 − 1/p.
  let num = 0;
  let den = 0;
  for (const p of fitted) {
    const a = 1 - 1 / p.threads;
    const b = p.ms / base.ms - 1 / p.threads;
    num += a * b;
    den += a * a;
  }
  const serialFraction = Math.min(1, Math.max(0, num / den));
  const squared = fitted.map((p) => (amdahlSpeedup(serialFraction, p.threads) - base.ms / p.ms) ** 2);
  return {
    serialFraction,
    maxSpeedup: serialFraction > 0 ? 1 / serialFraction : Infinity,
    rmsError: Math.sqrt(squared.reduce((x, y) => x + y, 0) / squared.length),
    cores,
  };
}
