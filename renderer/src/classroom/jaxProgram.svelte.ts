// Take it to JAX: the Python program for the lab's formula, grid, dtype and
// output — the chosen strategy's for the grid, the reduction program (or the
// cluster program) for a number — written by the engine as the settings
// change, and saved as a .py from the same request.

import type { JaxExportRequest, LabStrategyName } from '../../../main/contract';
import type { Classroom } from './classroom.svelte';
import { jaxExportRequestOf } from './jaxRequest';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class JaxProgram {
  strategy = $state<LabStrategyName>('vmap');
  /** With a number output: the multi-process program (jax.distributed.initialize) instead of one machine's. */
  cluster = $state(false);
  program = $state.raw<{ text: string; fileName: string } | { error: string } | null>(null);
  /** The settings the program on screen was written for (saving writes it again from them, in the engine). */
  private request: JaxExportRequest | null = null;

  constructor(private readonly classroom: Classroom) {}

  /** Inside an effect: the program follows the formula, the grid (nx, ny and the domain), dtype, output and choice. */
  follow(): (() => void) | undefined {
    const lab = this.classroom.lab;
    const request = jaxExportRequestOf(lab.grid(), lab.reduce, { strategy: this.strategy, cluster: this.cluster });
    if (!lab.info || !lab.formula) return;
    const timer = setTimeout(async () => {
      try {
        this.program = await lab.api.invoke('classroom:jax', request);
        this.request = request;
      } catch (error) {
        this.program = { error: messageOf(error) };
      }
    }, 150);
    return () => clearTimeout(timer);
  }

  async save(): Promise<void> {
    const program = this.program;
    if (!program || 'error' in program || !this.request) return;
    await this.classroom.saved(this.classroom.lab.api.invoke('export:python', this.request), 'JAX program');
  }
}
