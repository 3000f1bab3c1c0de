// `npm run test:reliability`: runs the reliability suites (hostile input,
// cancellation, memory guard, soak, fault injection, the Electron checklist)
// with VLAB_RELIABILITY_OUT set, then prints their figures as one table.
// Exits non-zero if a suite fails, or if any crash or lost run is reported.
//
// usage: tsx test/reliability/report.ts <test file or folder>…

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readReliability, type ReliabilityEntry } from './reliability.js';
import { formatTable } from '../../compute/cli/table.js';

const targets = process.argv.slice(2);
if (targets.length === 0) {
  process.stderr.write('usage: reliabilityReport <test files or folders>…\n');
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'vlab-reliability-'));
const out = path.join(dir, 'figures.jsonl');
const vitest = spawnSync(process.execPath, [path.resolve('node_modules/vitest/vitest.mjs'), 'run', ...targets], {
  stdio: 'inherit',
  env: { ...process.env, VLAB_RELIABILITY_OUT: out },
});
const entries = readReliability(out);
rmSync(dir, { recursive: true, force: true });

const number = (v: unknown, digits = 0) => (typeof v === 'number' ? v.toFixed(digits) : String(v ?? '—'));
const figures = (suite: string): ReliabilityEntry['figures'] | undefined =>
  entries.find((e) => e.suite === suite)?.figures;
const sum = (suite: string, key: string) =>
  entries.filter((e) => e.suite === suite).reduce((s, e) => s + Number(e.figures[key] ?? 0), 0);

const fuzz = figures('formula-fuzz');
const cancel = figures('cancellation');
const soak = figures('soak');
const guard = figures('memory-guard');
const refusal = figures('huge-grid-refusal');
const faultsInjected = sum('fault-injection', 'faults');
const runsLost = sum('fault-injection', 'runsLost');
const electronChecks = sum('electron-checklist', 'passed');
const webShellChecks = sum('web-shell-checklist', 'passed');
const checksFailed = sum('electron-checklist', 'failed') + sum('web-shell-checklist', 'failed');
const mainSoak = figures('main-soak');
const crashes = Number(fuzz?.crashes ?? 0);

const rows: string[][] = [
  [
    'inputs fuzzed (formula parser)',
    number(fuzz?.tried),
    'each compiled and matched an independent evaluator, or was refused with a position',
  ],
  ['inputs refused', number(fuzz?.refused), ''],
  ['crashes', number(fuzz ? crashes : undefined), 'must be 0'],
  ['code executed from input', fuzz ? '0' : '—', 'no eval; file system and process spies untouched'],
  ['slowest parse', `${number(fuzz?.slowestMs, 1)} ms`, ''],
  ['faults injected', number(faultsInjected), 'engine killed mid-run, mid-sweep, mid-CSV write'],
  ['runs lost', number(runsLost), 'must be 0'],
  ['cancellations', number(cancel?.cancellations), `worst case: ${String(cancel?.worstCase ?? '—')}`],
  ['worst cancel latency', `${number(cancel?.worstLatencyMs, 1)} ms`, 'goal ≤ 100 ms'],
  [
    'memory guard runs',
    number(guard?.runs),
    `predicted ≥ measured; worst over-prediction ${number(guard?.worstOverPredictionPct, 1)}%`,
  ],
  ['huge grid refusal', `${number(refusal?.slowestRefusalMs, 1)} ms`, 'n up to 10⁶; goal < 1 s'],
  [
    'soak (engine)',
    `${number(soak?.runs)} runs`,
    `heap growth ${number(soak?.heapGrowthMiB, 2)} MiB, rss growth ${number(soak?.rssGrowthMiB, 2)} MiB`,
  ],
  [
    'soak (main process)',
    `${number(mainSoak?.runs)} runs`,
    `through the app service: main heap ${number(mainSoak?.heapGrowthMiB, 2)} MiB, engine heaps ${number(mainSoak?.engineHeapGrowthMiB, 2)} MiB, main rss ${number(mainSoak?.rssGrowthMiB, 2)} MiB (${number(mainSoak?.rssGrowthSecondHalfMiB, 2)} MiB in the second half), engines' rss ${number(mainSoak?.engineRssGrowthMiB, 2)} MiB`,
  ],
  [
    'Electron checklist checks passed',
    number(electronChecks),
    'isolation, sandbox, no Node, CSP, navigation, windows, permissions, IPC sender and payload, openExternal',
  ],
  ['web shell checks passed', number(webShellChecks), 'loopback bind, token, Origin, Host, malformed messages'],
  ['checks failed', number(checksFailed), 'must be 0'],
];
process.stdout.write(`\nReliability report\n\n${formatTable(['figure', 'value', 'note'], rows)}\n`);

// Which strategy, on which backend, each suite ran, and how many times.
const COVERAGE_SUITES = ['cancellation', 'non-finite', 'memory-guard', 'soak', 'faults', 'timing'];
const coverage = new Map<string, Map<string, number>>();
for (const entry of entries.filter((e) => e.suite === 'coverage')) {
  const { suite, ...counts } = entry.figures;
  for (const [label, runs] of Object.entries(counts)) {
    const row = coverage.get(label) ?? new Map<string, number>();
    row.set(String(suite), (row.get(String(suite)) ?? 0) + Number(runs));
    coverage.set(label, row);
  }
}
const coverageRows = [...coverage.keys()]
  .sort()
  .map((label) => [label, ...COVERAGE_SUITES.map((suite) => String(coverage.get(label)!.get(suite) ?? 0))]);
process.stdout.write(
  `\nRuns per strategy and suite\n\n${formatTable(['strategy', ...COVERAGE_SUITES], coverageRows)}\n`,
);
const uncovered = COVERAGE_SUITES.filter(
  (suite) => !entries.some((e) => e.suite === 'coverage' && e.figures.suite === suite),
);

// A suite that never reported would leave its row reading '—' or 0 and prove nothing.
const EXPECTED_SUITES = [
  'formula-fuzz',
  'cancellation',
  'memory-guard',
  'huge-grid-refusal',
  'soak',
  'main-soak',
  'fault-injection',
  'electron-checklist',
  'web-shell-checklist',
];
const silent = EXPECTED_SUITES.filter((suite) => !entries.some((e) => e.suite === suite));
const failed =
  vitest.status !== 0 || crashes > 0 || runsLost > 0 || checksFailed > 0 || silent.length > 0 || uncovered.length > 0;
if (failed) {
  const reasons = [
    vitest.status !== 0 ? 'a suite failed' : '',
    silent.length ? `no figures from ${silent.join(', ')}` : '',
    uncovered.length ? `no run counts from ${uncovered.join(', ')}` : '',
    crashes ? `${crashes} crashes` : '',
    runsLost ? `${runsLost} runs lost` : '',
    checksFailed ? `${checksFailed} checks failed` : '',
  ];
  process.stdout.write(`\nreliability: FAILED (${reasons.filter(Boolean).join(', ')})\n`);
}
process.exit(failed ? 1 : 0);
