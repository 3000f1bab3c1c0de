// A graph whose reductions feed further work (mean = sum / n, a collective's
// total broadcast back, max(f) − min(f)) runs in stages: within a stage every
// output is one fused kernel (a map, or a map-reduce that never stores the
// map), and a value a reduction produced is read by the next stage as an
// input. XLA splits its fusions at reductions the same way. A graph with no
// such dependency is one stage: the backend's own executable, untouched.

import type { Atom, Equation, Graph, Var } from '../core/graph.js';
import type { NDArray } from '../core/ndarray.js';
import { isReduction } from '../core/primitives.js';
import { sizeOf } from '../core/shape.js';
import type { Backend, CompileOptions, Executable, Placement, RunControl } from './backend.js';

interface Stage {
  executable: Executable;
  /** Variables from earlier stages this stage reads (after the graph's own inputs). */
  imports: readonly Var[];
  /** What it produces, in its executable's output order. */
  exports: readonly Atom[];
  /** Share of the run's work, for progress. */
  weight: number;
}

/** Cuts a graph into stages: an equation that reads a reduction's result starts a later stage than that reduction. */
export function stageGraph(graph: Graph): Graph[] {
  const stageOf = new Map<number, number>();
  const bump = new Map<number, number>();
  const stages: Equation[][] = [];
  for (const eqn of graph.equations) {
    let stage = 0;
    for (const a of eqn.inputs)
      if (a.kind === 'var') stage = Math.max(stage, (stageOf.get(a.id) ?? 0) + (bump.get(a.id) ?? 0));
    stageOf.set(eqn.out.id, stage);
    if (isReduction(eqn.primitive)) bump.set(eqn.out.id, 1);
    (stages[stage] ??= []).push(eqn);
  }
  if (stages.length <= 1) return [graph];
  const inputIds = new Set(graph.inputs.map((v) => v.id));
  const neededLater = (s: number) => {
    const ids = new Set<number>();
    for (let t = s + 1; t < stages.length; t++)
      for (const e of stages[t] ?? []) for (const a of e.inputs) if (a.kind === 'var') ids.add(a.id);
    return ids;
  };
  const outputIds = new Set(graph.outputs.flatMap((a) => (a.kind === 'var' ? [a.id] : [])));
  const produced = new Map<number, Var>();
  return stages.map((eqns = [], s) => {
    const imports = new Map<number, Var>();
    for (const e of eqns)
      for (const a of e.inputs) if (a.kind === 'var' && !inputIds.has(a.id) && produced.has(a.id)) imports.set(a.id, a);
    const later = neededLater(s);
    const outputs: Atom[] = eqns.map((e) => e.out).filter((v) => later.has(v.id) || outputIds.has(v.id));
    // Graph outputs that are literals or inputs are computed by the first stage.
    if (s === 0) for (const a of graph.outputs) if (a.kind === 'literal' || inputIds.has(a.id)) outputs.push(a);
    for (const e of eqns) produced.set(e.out.id, e.out);
    return { inputs: [...graph.inputs, ...imports.values()], equations: eqns, outputs };
  });
}

/** The graph compiled by `backend`: its executable, or one that runs the graph's stages in turn. */
export function compileGraph(backend: Backend, graph: Graph, options: CompileOptions): Executable {
  const graphs = stageGraph(graph);
  if (graphs.length === 1) return backend.compile(graph, options);
  const base = graph.inputs.length;
  const stages: Stage[] = graphs.map((g) => {
    const imports = g.inputs.slice(base);
    const zeroStrides = [...options.zeroStrides, ...imports.map((v) => v.aval.shape.map(() => false))];
    const weight = Math.max(
      1,
      ...g.equations.flatMap((e) => e.inputs.map((a) => (a.kind === 'var' ? sizeOf(a.aval.shape) : 1))),
    );
    return { executable: backend.compile(g, { zeroStrides }), imports, exports: g.outputs, weight };
  });
  return new StagedExecutable(graph, stages);
}

type RunStage = (stage: Stage, inputs: NDArray[], control: RunControl) => Promise<NDArray[]> | NDArray[];

class StagedExecutable implements Executable {
  readonly backend;
  readonly runSync?: (inputs: readonly NDArray[]) => NDArray[];
  readonly runSyncOn?: (inputs: readonly NDArray[], placement: Placement) => NDArray[];

  constructor(
    readonly graph: Graph,
    private readonly stages: Stage[],
  ) {
    const first = stages[0]!.executable;
    this.backend = first.backend;
    if (stages.every((s) => s.executable.runSync)) {
      this.runSync = (inputs) => this.walkSync(inputs, (s, ins) => s.executable.runSync!(ins));
    }
    if (stages.every((s) => s.executable.runSyncOn)) {
      this.runSyncOn = (inputs, placement) =>
        this.walkSync(inputs, (s, ins) => s.executable.runSyncOn!(ins, placement));
    }
  }

  run(inputs: readonly NDArray[], control: RunControl = {}): Promise<NDArray[]> {
    return this.walk(inputs, control, (s, ins, c) => s.executable.run(ins, c));
  }

  runOn(inputs: readonly NDArray[], placement: Placement, control: RunControl = {}): Promise<NDArray[]> {
    return this.walk(inputs, control, (s, ins, c) =>
      s.executable.runOn ? s.executable.runOn(ins, placement, c) : s.executable.run(ins, c),
    );
  }

  lastTimings() {
    let kernelMs = 0;
    for (const s of this.stages) kernelMs += s.executable.lastTimings?.().kernelMs ?? 0;
    return kernelMs > 0 ? { kernelMs } : {};
  }

  private walkSync(inputs: readonly NDArray[], run: (s: Stage, ins: NDArray[]) => NDArray[]): NDArray[] {
    const env = new Map<number, NDArray>();
    try {
      for (const stage of this.stages) this.keep(env, stage, run(stage, this.inputsOf(stage, inputs, env)));
      return this.results(env);
    } catch (error) {
      for (const a of env.values()) a.dispose();
      throw error;
    }
  }

  private async walk(inputs: readonly NDArray[], control: RunControl, run: RunStage): Promise<NDArray[]> {
    const env = new Map<number, NDArray>();
    const total = this.stages.reduce((n, s) => n + s.weight, 0);
    let done = 0;
    try {
      for (const stage of this.stages) {
        const onProgress = control.onProgress;
        const at = done;
        const scoped: RunControl = {
          ...(control.signal ? { signal: control.signal } : {}),
          ...(onProgress ? { onProgress: (f: number) => onProgress((at + f * stage.weight) / total) } : {}),
        };
        this.keep(env, stage, await run(stage, this.inputsOf(stage, inputs, env), scoped));
        done += stage.weight;
      }
      return this.results(env);
    } catch (error) {
      for (const a of env.values()) a.dispose();
      throw error;
    }
  }

  private inputsOf(stage: Stage, inputs: readonly NDArray[], env: Map<number, NDArray>): NDArray[] {
    return [...inputs, ...stage.imports.map((v) => env.get(v.id)!)];
  }

  private keep(env: Map<number, NDArray>, stage: Stage, outs: NDArray[]): void {
    stage.exports.forEach((a, k) => env.set(a.kind === 'var' ? a.id : -1 - k, outs[k]!));
  }

  /** The graph's outputs; every intermediate that is not one goes back to the allocator. */
  private results(env: Map<number, NDArray>): NDArray[] {
    const first = this.stages[0]!.exports;
    const out = this.graph.outputs.map((a) => {
      const key = a.kind === 'var' && env.has(a.id) ? a.id : -1 - first.indexOf(a);
      return env.get(key)!;
    });
    const kept = new Set(out);
    for (const a of env.values()) if (!kept.has(a)) a.dispose();
    return out;
  }
}
