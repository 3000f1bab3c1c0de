// What Live knows of each strategy's cost on this machine: the engine's
// calibration at launch (two tiny grids per strategy: a fixed cost per call
// and a cost per point), then every record of the session at a few sizes.
// It predicts a run's wall time at any grid from the nearest of them, never
// below what the roofline allows there; with nothing measured, from a
// pessimistic first guess. No shell, no timers: Live asks, this answers.

import type { CalibrationResult, DType, RunRecord, RunSettings } from '../../../main/contract';
import { pointsEvaluated } from '../../../compute/strategies/pointsEvaluated';
import { nearestMeasurement, predictRunMs, type Measurement } from './livePlan';
import { calibratedMeasurements, FIRST_GUESS, firstGuess, type LiveKey } from './livePriors';

/** Sizes remembered per strategy and dtype, to predict from the nearest. */
const MEASUREMENTS_KEPT = 8;

/** The least a point can cost for a strategy at a grid (ns), from the machine's roofline; 0 where none is known. */
export type RoofNsPerPoint = (key: LiveKey, settings: RunSettings) => number;

export class LiveCosts {
  /** The engine's calibrations of this session (the CPU strategies' at launch, then the GPU's). */
  calibrations = $state.raw<CalibrationResult[]>([]);
  /** Each strategy's last runs per dtype (a few sizes), as the predictions need them. */
  private measured = $state.raw<Partial<Record<string, Measurement[]>>>({});
  /**
   * Each calibrated strategy's fixed cost per call, by strategy and dtype: kept when a record replaces its measurement.
   */
  private fixedMs: Partial<Record<string, number>> = {};

  /** The roofline's least cost per point: none until the machine view has a profile (machine.svelte.ts sets it). */
  roof: RoofNsPerPoint = () => 0;

  /** Whether a strategy has a calibration or a record in either dtype (else its prediction is a first guess). */
  known(key: LiveKey): boolean {
    return Boolean(this.measured[`${key}:float32`]?.length || this.measured[`${key}:float64`]?.length);
  }

  /** The predicted wall time of running `key` at these settings: its cost per point times the points it evaluates. */
  predictedMs(key: LiveKey, settings: RunSettings): number {
    const points = pointsEvaluated(key, settings);
    const byDtype = (dtype: DType) => nearestMeasurement(this.measured[`${key}:${dtype}`] ?? [], points);
    const last = byDtype(settings.dtype) ?? byDtype(otherDtype(settings.dtype)) ?? firstGuess(key);
    const roof = this.roof(key, settings);
    let ms = predictRunMs(last, points, settings.repeats, roof);
    // A calibration slower than the pessimistic first guess timed a cold start (loops' JIT warms over thousands of
    // calls, more than a tiny grid makes): the guess stands until a run says otherwise.
    if (last.calibrated) ms = Math.min(ms, predictRunMs(firstGuess(key), points, settings.repeats, roof));
    return FIRST_GUESS[key].startMs + ms;
  }

  noteCalibration(result: CalibrationResult): void {
    for (const { strategy, measurement } of calibratedMeasurements(result)) {
      const key = `${strategy}:${result.dtype}`;
      this.fixedMs[key] = measurement.fixedMs;
      this.remember(key, measurement);
    }
    this.calibrations = [...this.calibrations, result];
  }

  noteRecord(record: RunRecord): void {
    const key = `${record.strategy}:${record.dtype}`;
    const fixedMs = this.fixedMs[key];
    this.remember(key, {
      points: pointsEvaluated(record.strategy, record),
      callMs: record.minMs,
      firstMs: record.firstMs,
      overheadNsPerPoint: FIRST_GUESS[record.strategy].overheadNsPerPoint,
      ...(fixedMs !== undefined ? { fixedMs } : {}),
    });
  }

  /** The latest at each size, a few sizes kept. */
  private remember(key: string, measurement: Measurement): void {
    const kept = (this.measured[key] ?? [])
      .filter((m) => m.points !== measurement.points)
      .slice(-(MEASUREMENTS_KEPT - 1));
    this.measured = { ...this.measured, [key]: [...kept, measurement] };
  }
}

function otherDtype(dtype: DType): DType {
  return dtype === 'float32' ? 'float64' : 'float32';
}
