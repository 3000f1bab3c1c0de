import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, rm, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsLog } from './resultsLog.js';
import { recordFixture } from '../test/fixtures.js';
import type { RunRecord } from '../compute/index.js';

function record(strategy: RunRecord['strategy'], n = 80): RunRecord {
  return recordFixture(strategy, n, 0.5, {
    firstMs: 1,
    minMs: 0.4,
    maxMs: 0.7,
    samplesMs: [0.4, 0.5, 0.7],
    iqrMs: 0.15,
    stddevMs: 0.15,
    noisy: true,
    noisyReason: 'IQR is 30% of the median (over 20%)',
  });
}

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vlab-log-'));
  path = join(dir, 'nested', 'results.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ResultsLog', () => {
  it('offers an earlier session back, and not the current one', async () => {
    const first = new ResultsLog(path, 'session-1');
    await first.append(record('loops'));
    await first.append(record('vmap'));
    expect(await first.previousSession()).toBeNull();

    const second = new ResultsLog(path, 'session-2');
    const previous = await second.previousSession();
    expect(previous?.sessionId).toBe('session-1');
    expect(previous?.records.map((r) => r.strategy)).toEqual(['loops', 'vmap']);
  });

  it('keeps every run written before a crash cut the last line short', async () => {
    const crashed = new ResultsLog(path, 'crashed');
    await crashed.append(record('loops'));
    await crashed.append(record('meshgrid'));
    await crashed.append(record('vmap'));
    // The process died in the middle of writing the third line.
    const { size } = await stat(path);
    await truncate(path, size - 40);

    const next = new ResultsLog(path, 'next');
    expect((await next.previousSession())?.records.map((r) => r.strategy)).toEqual(['loops', 'meshgrid']);
    // The next line starts on a line of its own, so the cut line does not swallow it.
    await next.append(record('naive'));
    const third = new ResultsLog(path, 'third');
    await third.markHandled('crashed');
    expect((await third.previousSession())?.records.map((r) => r.strategy)).toEqual(['naive']);
  });

  it('skips lines that are not records, whatever they hold', async () => {
    const log = new ResultsLog(path, 'a');
    await log.append(record('vmap'));
    await appendFile(path, 'not json\n{"type":"run"}\n[1,2]\nnull\n');
    await new ResultsLog(path, 'b').append(record('naive'));
    const previous = await new ResultsLog(path, 'c').previousSession();
    expect(previous?.sessionId).toBe('b');
    expect(previous?.records).toHaveLength(1);
  });

  it('offers a session once: restored or dismissed, it is not offered again', async () => {
    await new ResultsLog(path, 'old').append(record('vmap'));
    const now = new ResultsLog(path, 'now');
    const previous = await now.previousSession();
    await now.markHandled(previous!.sessionId, previous!.records);
    expect(await new ResultsLog(path, 'later').previousSession()).toMatchObject({ sessionId: 'now' });
    const later = new ResultsLog(path, 'later');
    await later.markHandled('now');
    expect(await new ResultsLog(path, 'last').previousSession()).toBeNull();
  });

  it('writes concurrent appends as whole lines', async () => {
    const log = new ResultsLog(path, 'busy');
    await Promise.all(Array.from({ length: 25 }, (_, k) => log.append(record('vmap', 10 + k))));
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});

describe('ResultsLog and older files', () => {
  it('skips records that are not of the current shape', async () => {
    const { nonFinite: _gone, ...older } = record('vmap');
    await mkdirFor(path);
    await appendFile(
      path,
      `${JSON.stringify({ type: 'run', sessionId: 'old', startedAt: 'a', savedAt: 'a', record: older })}\n`,
    );
    await new ResultsLog(path, 'old').append(record('naive'));
    const previous = await new ResultsLog(path, 'new').previousSession();
    expect(previous?.records.map((r) => r.strategy)).toEqual(['naive']);
  });
});

async function mkdirFor(file: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(file), { recursive: true });
}
