// `npm run check:machine [-- --rounds N]`: `vlab machine`'s DRAM write
// bandwidth held against a yardstick that shares none of its code (a
// STREAM-like C++ probe, streamProbe.cpp, compiled here with the system g++),
// and the write floor at n = 6000 (`vlab bench --sizes 6000`'s limit row)
// held against it. A printed check, not a unit test: timings on a shared
// machine are noisy, so the three are measured in interleaved rounds (the
// order flipped every round), and the median of each round's ratio is judged
// with its spread and the load average beside it. The probe times each pass as
// the lab's pool does (first thread's start to last thread's end) and keeps the
// best, as vlab machine does. Exits 1 when a median ratio is outside its
// tolerance (25% against the probe, 15% for the floor).

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  backendStatus,
  getBackend,
  loadBackends,
  measureLimit,
  readCaches,
  type NativeBackend,
} from '../../compute/index.js';
import { plateauSizes, probeGBps } from '../../compute/machine/bandwidth.js';
import { compareRounds, median, ratioText } from './compare.js';

const FLOOR_N = 6000;
/** Timed passes per round of the C++ probe: as many as `vlab machine`'s best-of-4 tries. */
const PROBE_REPS = 4;

function fail(message: string): never {
  process.stderr.write(`check:machine: ${message}\n`);
  process.exit(2);
}

function compileProbe(): string {
  const source = fileURLToPath(new URL('./streamProbe.cpp', import.meta.url));
  const binary = join(mkdtempSync(join(tmpdir(), 'vlab-stream-')), 'streamProbe');
  const built = spawnSync('g++', ['-O2', '-mavx', '-pthread', '-o', binary, source], { encoding: 'utf8' });
  if (built.error) fail(`could not run g++ (${built.error.message}); install a C++ compiler to build the probe`);
  if (built.status !== 0) fail(`g++ could not build ${source}:\n${built.stderr}`);
  return binary;
}

function runProbe(binary: string, bytes: number, threads: number): number {
  const run = spawnSync(binary, [String(bytes), String(threads), String(PROBE_REPS)], { encoding: 'utf8' });
  if (run.status !== 0) fail(`the probe failed (status ${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { bestGBps: number }).bestGBps;
}

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '6' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a whole number from 1, not '${values.rounds}'`);
  await loadBackends();
  const status = backendStatus('native');
  if (!status.available) fail(`vlab machine needs the native backend: ${status.reason}`);
  const { addon, threads } = (getBackend('native') as NativeBackend).machineProbes();
  const binary = compileProbe();
  // The working set and threads `vlab machine` measures DRAM writes with; the probe writes the same.
  const bytes = plateauSizes(readCaches(), threads).DRAM;
  const buffer = new Float32Array(bytes / 4);
  console.log(`load average before: ${load()} (1, 5, 15 min) on ${threads} threads`);
  console.log(`${rounds} rounds: ${bytes / 1024 ** 2} MiB written by ${threads} threads, non-zero varying values`);
  const figures = { probe: [] as number[], machine: [] as number[], floor: [] as number[] };
  const measure = {
    probe: async () => runProbe(binary, bytes, threads),
    // Exactly what measureBandwidth keeps as DRAM's write figure: streaming stores over the DRAM set, best of 4.
    machine: () => probeGBps(addon, buffer, 2, threads),
    floor: async () => {
      const record = await measureLimit(FLOOR_N, 'float64');
      if (!record) fail('the write floor needs the native backend');
      return (FLOOR_N * FLOOR_N * 8) / (record.medianMs * 1e6);
    },
  };
  for (let r = 0; r < rounds; r++) {
    const order = (['probe', 'machine', 'floor'] as const).slice();
    if (r % 2) order.reverse();
    for (const name of order) figures[name].push(await measure[name]());
    const f = (name: keyof typeof figures) => `${figures[name][r]!.toFixed(1)}`.padStart(5);
    console.log(
      `round ${r + 1}: C++ probe ${f('probe')} GB/s, vlab machine DRAM write ${f('machine')} GB/s, ` +
        `floor n=${FLOOR_N} float64 ${f('floor')} GB/s`,
    );
  }
  const againstProbe = compareRounds(figures.machine, figures.probe, 0.25);
  const floorAgainst = compareRounds(figures.floor, figures.machine, 0.15);
  const med = (name: keyof typeof figures) => median(figures[name]).toFixed(1);
  console.log(`medians: probe ${med('probe')}, vlab machine ${med('machine')}, floor ${med('floor')} GB/s`);
  console.log(`vlab machine DRAM write / C++ probe: ${ratioText(againstProbe)}`);
  console.log(`floor at n=${FLOOR_N} / vlab machine DRAM write: ${ratioText(floorAgainst)}`);
  if (!floorAgainst.within)
    console.log(
      'the floor is the median of 5 passes (as every bar is), vlab machine the best of 4 tries (the capacity): ' +
        'where the machine is busy the median falls away from the best',
    );
  console.log(`load average after: ${load()}`);
  process.exitCode = againstProbe.within && floorAgainst.within ? 0 : 1;
}

await main();
