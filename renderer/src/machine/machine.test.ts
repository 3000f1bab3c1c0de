import { describe, expect, it } from 'vitest';
import { LabFailure } from '../../../main/labError';
import type { Lab } from '../lib/lab.svelte';
import { MachineState } from './machine.svelte';

/** A shell whose measurement waits until machine:cancel stops it, as the engine's task does. */
function fakeLab() {
  const calls: string[] = [];
  let stop: ((error: Error) => void) | null = null;
  let held = 0;
  const lab = {
    api: {
      on: () => () => undefined,
      invoke(channel: string, request: unknown) {
        calls.push(channel);
        if (channel === 'machine:profile') {
          const { measure } = request as { measure: boolean };
          if (!measure) return Promise.resolve(null);
          return new Promise((_, reject) => (stop = reject));
        }
        if (channel === 'machine:cancel') {
          const cancelled = stop !== null;
          stop?.(new LabFailure({ kind: 'cancelled', message: 'the machine measurement was cancelled' }));
          stop = null;
          return Promise.resolve({ cancelled });
        }
        throw new Error(`unexpected ${channel}`);
      },
    },
    live: {
      hold: async () => void held++,
      release: () => void held--,
      retime: () => undefined,
      costs: {},
    },
  };
  return { lab: lab as unknown as Lab, calls, held: () => held };
}

describe("the machine view's measurement", () => {
  it('cancels through machine:cancel, keeps no profile, measures again only when asked, gives Live back', async () => {
    const { lab, calls, held } = fakeLab();
    const machine = new MachineState(lab);
    const measuring = machine.measure();
    await Promise.resolve();
    expect(machine.status).toBe('measuring');
    expect(held()).toBe(1);
    await machine.cancel();
    await measuring;
    expect(calls).toEqual(['machine:profile', 'machine:cancel']);
    expect(machine.status).toBe('cancelled');
    expect(machine.error).toBeNull();
    expect(machine.cancelling).toBe(false);
    expect(held()).toBe(0);
    // Asked again, it measures again.
    const again = machine.measure();
    await Promise.resolve();
    expect(machine.status).toBe('measuring');
    await machine.cancel();
    await again;
    expect(calls.filter((c) => c === 'machine:profile')).toHaveLength(2);
  });

  it('asks nothing when no measurement is running', async () => {
    const { lab, calls } = fakeLab();
    const machine = new MachineState(lab);
    await machine.cancel();
    expect(calls).toEqual([]);
  });
});
