// Take it to JAX: the Python program for the lab's formula, grid, dtype and
// the chosen strategy, written by the engine as the settings change, and
// saved as a .py from the same request.

import type { LabStrategyName, PythonProgramRequest } from '../../../main/contract';
import type { Classroom } from './classroom.svelte';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class JaxProgram {
  strategy = $state<LabStrategyName>('vmap');
  program = $state.raw<{ text: string; fileName: string } | { error: string } | null>(null);
  /** The settings the program on screen was written for (saving writes it again from them, in the engine). */
  private request: PythonProgramRequest | null = null;

  constructor(private readonly classroom: Classroom) {}

  /** Inside an effect: the program follows the formula, the grid (nx, ny and the domain), dtype and strategy. */
  follow(): (() => void) | undefined {
    const lab = this.classroom.lab;
    const { formula, nx, ny, xRange, yRange, dtype } = lab;
    const request = { formula, nx, ny, xRange, yRange, dtype, strategy: this.strategy };
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
