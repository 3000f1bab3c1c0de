// One press of Run: the ticked strategies one after another on the run
// engine (loops last), then the physical floor when asked. Each finished
// record is appended to the results log before it is shown, so a crash after
// that point loses nothing; each strategy that fails becomes a RunFailure
// (with its kind) and the batch goes on; a cancel stops it between
// strategies and inside the one running. It never runs two strategies at once.

import { mkdir } from 'node:fs/promises';
import type { RunRecord, StrategyName } from '../compute/index.js';
import type { EventMap, EventName, RunBatchRequest, RunBatchResult, RunFailure } from './contract.js';
import type { EngineHost } from './engine/host.js';
import { LabFailure } from './labError.js';
import type { ResultsLog } from './resultsLog.js';
import { runRequestOf } from './runRequest.js';

export interface BatchContext {
  engine: EngineHost;
  log: ResultsLog;
  /** Made before the first record is appended. */
  dataDir: string;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

/** Run loops last: it can take minutes, and the others' bars should not wait for it. */
export function executionOrder(strategies: readonly StrategyName[]): StrategyName[] {
  return [...strategies.filter((s) => s !== 'loops'), ...strategies.filter((s) => s === 'loops')];
}

/** A strategy's failure as the window lists it: by the error's kind, in its words. */
export function failureOf(strategy: RunFailure['strategy'], error: unknown): RunFailure {
  const raw = error instanceof Error ? error.message || error.name : String(error);
  const message = raw || 'the engine stopped without saying why';
  if (!(error instanceof LabFailure)) return { strategy, kind: 'error', message };
  switch (error.kind) {
    case 'cancelled':
      return { strategy, kind: 'cancelled', message };
    case 'memory':
      return { strategy, kind: 'guard', message };
    case 'crash':
      return { strategy, kind: 'crash', message };
    case 'unavailable':
      return { strategy, kind: 'unavailable', message };
    default:
      return { strategy, kind: 'error', message };
  }
}

export async function runBatch(
  request: RunBatchRequest,
  context: BatchContext,
  signal: AbortSignal,
): Promise<RunBatchResult> {
  const { engine, log, emit } = context;
  const records: RunRecord[] = [];
  const failures: RunFailure[] = [];
  const { runId } = request;
  const order = executionOrder(request.strategies);
  const total = order.length + (request.includeFloor ? 1 : 0);
  const fail = (failure: RunFailure) => {
    failures.push(failure);
    emit('run:failure', { runId, failure });
  };
  const finish = async (record: RunRecord, surface?: EventMap['run:record']['surface']) => {
    records.push(record);
    // Kept before it is shown: a crash after this point loses nothing.
    await log.append(record).catch((error: unknown) => {
      fail({
        strategy: record.strategy,
        kind: 'error',
        message: `could not save the run to ${log.path}: ${String(error)}`,
      });
    });
    emit('run:record', { runId, record, ...(surface ? { surface } : {}) });
  };
  await mkdir(context.dataDir, { recursive: true });
  for (const [index, strategy] of order.entries()) {
    if (signal.aborted) break;
    try {
      const { record, surface } = await engine.call(
        'engine:run',
        { request: runRequestOf(request, strategy), surface: true },
        { signal, onProgress: (progress) => emit('run:progress', { runId, progress, index, total }) },
      );
      await finish(record, surface);
    } catch (error) {
      fail(failureOf(strategy, error));
    }
  }
  if (request.includeFloor && !signal.aborted) {
    try {
      const { nx, ny, xRange, yRange, dtype } = request;
      const limit = await engine.call('engine:limit', { nx, ny, xRange, yRange, dtype }, { signal });
      if (limit) await finish(limit);
    } catch (error) {
      fail(failureOf('limit', error));
    }
  }
  return { runId, records, failures, cancelled: signal.aborted };
}
