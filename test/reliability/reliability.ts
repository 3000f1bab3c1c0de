// Figures that the reliability suites (fuzzing, fault injection, soak) hand
// to `npm run test:reliability`, which prints them as one table. Each suite
// appends one JSON line to the file named by VLAB_RELIABILITY_OUT; without
// that variable (a plain `npm test`), recording does nothing.

import fs from 'node:fs';

export type ReliabilityFigures = Record<string, number | string | boolean>;

export interface ReliabilityEntry {
  suite: string;
  figures: ReliabilityFigures;
}

export function recordReliability(suite: string, figures: ReliabilityFigures): void {
  const file = process.env.VLAB_RELIABILITY_OUT;
  if (!file) return;
  const line = JSON.stringify({ suite, figures } satisfies ReliabilityEntry) + '\n';
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readReliability(file: string): ReliabilityEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReliabilityEntry);
}
