// A machine profile as `vlab machine` keeps it, with round figures, for tests
// of the machine view (roofline, mountain, lesson step) that must not measure
// anything. Test tooling only.

import type { MachineProfile } from '../compute/machine/types.js';
import { MACHINE_PROFILE_VERSION } from '../compute/machine/types.js';

export function machineFixture(overrides: Partial<MachineProfile> = {}): MachineProfile {
  return {
    version: MACHINE_PROFILE_VERSION,
    key: 'test-cpu-2',
    cpuModel: 'Test CPU',
    cores: 2,
    measuredAt: '2026-12-07T00:00:00.000Z',
    measureMs: 4000,
    caches: { L1: 48 * 1024, L2: 2 * 1024 * 1024, L3: 105 * 1024 * 1024, source: 'sysfs' },
    bandwidth: {
      L1: { bytes: 32 * 1024, readGBps: 400, writeGBps: 200, writeKind: 'stores' },
      L2: { bytes: 1024 * 1024, readGBps: 150, writeGBps: 90, writeKind: 'stores' },
      L3: { bytes: 32 * 1024 * 1024, readGBps: 60, writeGBps: 40, writeKind: 'stores' },
      DRAM: { bytes: 1024 * 1024 * 1024, readGBps: 25, writeGBps: 30, writeKind: 'streaming' },
    },
    bandwidthCurve: [
      { bytes: 16 * 1024, readGBps: 400, writeGBps: 200 },
      { bytes: 1024 * 1024, readGBps: 150, writeGBps: 90 },
      { bytes: 32 * 1024 * 1024, readGBps: 60, writeGBps: 40 },
      { bytes: 1024 * 1024 * 1024, readGBps: 25, writeGBps: 30 },
    ],
    isas: ['scalar', 'sse2', 'avx2', 'avx512'],
    lanes: {
      scalar: { float32: 1, float64: 1 },
      sse2: { float32: 4, float64: 2 },
      avx2: { float32: 8, float64: 4 },
      avx512: { float32: 16, float64: 8 },
    },
    peakGflops: {
      scalar: { float32: { oneThread: 4, allThreads: 8 }, float64: { oneThread: 4, allThreads: 8 } },
      sse2: { float32: { oneThread: 16, allThreads: 32 }, float64: { oneThread: 8, allThreads: 16 } },
      avx2: { float32: { oneThread: 64, allThreads: 128 }, float64: { oneThread: 32, allThreads: 64 } },
      avx512: { float32: { oneThread: 128, allThreads: 256 }, float64: { oneThread: 64, allThreads: 128 } },
    },
    transcendentalsPerNs: { float32: 2, float64: 1 },
    ...overrides,
  };
}
