import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../backends/nativeAddon.js';
import { mountainSizes, plateauSizes } from './bandwidth.js';
import { parseCacheSize, readCaches } from './caches.js';
import { machineKey } from './measure.js';
import { machineProfile, currentMachineProfile } from './store.js';
import { MEMORY_LEVELS } from './types.js';

const addon = loadAddon().addon;

describe('cache sizes from the OS', () => {
  it("reads sysfs's size text", () => {
    expect(parseCacheSize('48K')).toBe(48 * 1024);
    expect(parseCacheSize('300M')).toBe(300 * 1024 ** 2);
    expect(parseCacheSize('32768')).toBe(32768);
    expect(parseCacheSize('big')).toBeNull();
  });

  it('reads data and unified caches from a sysfs tree and skips the instruction cache', () => {
    const root = mkdtempSync(join(tmpdir(), 'vlab-sysfs-'));
    const entries = [
      ['1', 'Data', '48K'],
      ['1', 'Instruction', '32K'],
      ['2', 'Unified', '2048K'],
    ];
    entries.forEach(([level, type, size], k) => {
      mkdirSync(join(root, `index${k}`));
      for (const [file, text] of [
        ['level', level],
        ['type', type],
        ['size', size],
      ])
        writeFileSync(join(root, `index${k}`, file!), `${text}\n`);
    });
    expect(readCaches('linux', root)).toEqual({
      source: 'sysfs',
      L1: 48 * 1024,
      L2: 2 * 1024 ** 2,
      problem: 'the OS (sysfs) reports no L3 size',
    });
  });

  it('fails soft, with the reason, where the OS cannot say', () => {
    const caches = readCaches('linux', '/no/such/cache/folder');
    expect(caches.source).toBe('unknown');
    expect(caches.problem).toMatch(/could not read the cache sizes/);
  });
});

describe('working sets', () => {
  it('puts each plateau inside its level, growing L1 < L2 < L3 < DRAM, and the mountain through all of them', () => {
    const sizes = plateauSizes({ L1: 48 * 1024, L2: 2 * 1024 ** 2, L3: 300 * 1024 ** 2, source: 'sysfs' }, 2);
    expect(sizes.L1).toBe(48 * 1024);
    expect(sizes.L2).toBe(2 * 1024 ** 2);
    expect(sizes.L3).toBe(16 * 1024 ** 2);
    expect(sizes.DRAM).toBe(256 * 1024 ** 2);
    const mountain = mountainSizes(sizes);
    for (const level of MEMORY_LEVELS) expect(mountain).toContain(sizes[level]);
    expect([...mountain].sort((a, b) => a - b)).toEqual(mountain);
  });

  it('keys a machine by CPU model and threads, as a file name', () => {
    expect(machineKey('Intel(R) Xeon(R) Processor', 2)).toBe('intel-xeon-processor-2t');
  });
});

describe.skipIf(!addon)('the native probes', () => {
  it('writes non-zero, varying values with streaming stores, as the floor does', async () => {
    const out = new Float32Array(100_003);
    await addon!.measureFloor(out, 2).promise;
    expect(out.every((v) => v >= 0.25 && v < 0.75)).toBe(true);
    expect(new Set(out.subarray(0, 4096)).size).toBeGreaterThan(1000);
    const out64 = new Float64Array(4097);
    await addon!.probeMemory(out64, 1, 1, 1).promise;
    expect(out64.every((v) => v >= 0.25 && v < 0.75)).toBe(true);
    expect(out64[1]).not.toBe(out64[0]);
  });

  it('probes each target this CPU runs, and refuses one it cannot', async () => {
    for (const { isa } of addon!.targets())
      expect(await addon!.probeFma('float64', 10, 1, isa).promise).toBeGreaterThanOrEqual(0);
    expect(() => addon!.probeFma('float32', 10, 1, 'no-such-isa')).toThrow(/no-such-isa/);
    expect(() => addon!.probeMemory(new Float32Array(8), 3 as 0, 1)).toThrow(/kind must be/);
  });

  it('measures the machine once, keeps it per machine, and reads it back until asked to refresh', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vlab-machine-'));
    const first = await machineProfile({ dataDir });
    expect(first.measured).toBe(true);
    const p = first.profile;
    expect(Object.keys(p.bandwidth)).toEqual([...MEMORY_LEVELS]);
    for (const level of MEMORY_LEVELS) expect(p.bandwidth[level].readGBps).toBeGreaterThan(0);
    expect(p.bandwidth.DRAM.writeKind).toBe('streaming');
    expect(p.isas).toEqual(
      addon!
        .targets()
        .map((t) => t.isa)
        .reverse(),
    );
    expect(p.lanes.scalar).toEqual({ float32: 1, float64: 1 });
    for (const isa of p.isas) expect(p.peakGflops[isa]!.float64.oneThread).toBeGreaterThan(0);
    expect(p.transcendentalsPerNs.float32).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual(p);
    const again = await machineProfile({ dataDir });
    expect(again.measured).toBe(false);
    expect(again.profile).toEqual(p);
    expect(currentMachineProfile()).toEqual(p);
  }, 60_000);
});
