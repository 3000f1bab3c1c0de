import { describe, expect, it } from 'vitest';
import { backendStatus, getBackend, loadBackends } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import { KERNEL_ROUNDS, nativeBenchLines, spread } from './nativeBench.js';
import { runStrategy } from '../strategies/run.js';

await loadBackends();

describe('the native bench lines', () => {
  it('give a ratio as the median over rounds with its range', () => {
    expect(spread([1.1, 0.9, 1.3])).toBe('1.10× (0.90–1.30 over 3 rounds)');
    expect(spread([1.25])).toBe('1.25×');
  });

  it.skipIf(!backendStatus('native').available)(
    'hold vmap and pmap to the hand-written kernel of the same ISA, on the same threads, round by round',
    async () => {
      const n = 96;
      const records = [
        (await runStrategy({ strategy: 'vmap', n, dtype: 'float32', repeats: 1, backend: 'native' })).record,
        (await runStrategy({ strategy: 'pmap', n, dtype: 'float32', repeats: 1 })).record,
      ];
      const lines = await nativeBenchLines(n, 'float32', 1, records);
      const { isa, lessonCos } = (getBackend('native') as NativeBackend).describe();
      expect(lines.join('\n')).toContain(`hand-written C++ loop (${isa}, ${lessonCos}, same build as the evaluator)`);
      const ratio = new RegExp(
        `: \\d+\\.\\d\\d× \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d over ${KERNEL_ROUNDS} rounds\\)   \\(goal ≤ 1\\.1×\\)`,
      );
      expect(lines.find((l) => l.includes('vmap (native, 1 device) / hand-written C++ loop (1 thread)'))).toMatch(
        ratio,
      );
      expect(
        lines.find((l) =>
          l.includes(
            `pmap (native, ${records[1]!.devices} devices) / hand-written C++ loop (${records[1]!.devices} threads)`,
          ),
        ),
      ).toMatch(ratio);
    },
  );
});
