// Tracing: calling a function with tracers records its equations into a graph.
// Tracers carry the builder they belong to; nested traces (jit inside vmap
// inside vmap) are told apart by level, and a value from an outer level — or
// a concrete array closed over — becomes one of the graph's constant inputs.
// Tracing never touches array data.

import type { DType } from './dtype.js';
import { type AbstractValue, type Atom, type Equation, type Graph, type Literal, type Var, literal } from './graph.js';
import { NDArray } from './ndarray.js';
import { type AnyParams, type Primitive, isElementwise, outputAval, scalarSemantics } from './primitives.js';

let nextVarId = 0;
export function newVar(aval: AbstractValue): Var {
  return { kind: 'var', id: nextVarId++, aval: { shape: [...aval.shape], dtype: aval.dtype } };
}

/** A stand-in for an array while a function is being traced. */
export class Tracer {
  constructor(
    readonly builder: GraphBuilder,
    readonly variable: Var,
  ) {}
  get shape(): readonly number[] {
    return this.variable.aval.shape;
  }
  get dtype(): DType {
    return this.variable.aval.dtype;
  }
  get ndim(): number {
    return this.shape.length;
  }
  toString(): string {
    return `Tracer(${this.shape.join(',')}, ${this.dtype})`;
  }
}

/** What a traced function may receive and return. Numbers are weakly typed: they take the other operand's dtype. */
export type Value = NDArray | Tracer | number;

export function isTracer(value: unknown): value is Tracer {
  return value instanceof Tracer;
}

export function avalOf(value: NDArray | Tracer): AbstractValue {
  return { shape: value.shape, dtype: value.dtype };
}

const activeBuilders: GraphBuilder[] = [];

/** Builds one graph. Also used directly (without tracing) by graph-to-graph transformations. */
export class GraphBuilder {
  readonly inputs: Var[] = [];
  readonly equations: Equation[] = [];
  /** Values from outside this trace that the graph reads; they become leading inputs. */
  readonly constVars: Var[] = [];
  readonly constValues: (NDArray | Tracer)[] = [];
  private readonly constIndex = new Map<NDArray | Tracer, Var>();
  private readonly seen = new Map<string, Var>();

  constructor(readonly level: number) {}

  addInput(aval: AbstractValue): Var {
    const v = newVar(aval);
    this.inputs.push(v);
    return v;
  }

  /** The graph atom for a value used in this trace. */
  atomFor(value: Value): Atom {
    if (typeof value === 'number') return literal(value);
    if (value instanceof Tracer && value.builder === this) return value.variable;
    let v = this.constIndex.get(value);
    if (!v) {
      v = newVar(avalOf(value));
      this.constIndex.set(value, v);
      this.constVars.push(v);
      this.constValues.push(value);
    }
    return v;
  }

  /**
   * Appends an equation (or reuses an identical earlier one: common
   * subexpressions are recorded once). Operations on literals alone fold to a literal.
   */
  emit(primitive: Primitive, inputs: readonly Atom[], params: AnyParams): Atom {
    const avals = inputs.map((a) => (a.kind === 'var' ? a.aval : null));
    if (avals.every((a) => a === null)) {
      if (!isElementwise(primitive)) throw new Error(`${primitive} needs an array operand`);
      const [a, b] = inputs as readonly Literal[];
      return literal(foldScalar(primitive, a!.value, b?.value ?? NaN, params));
    }
    const operands = inputs.map((a) => (a.kind === 'var' ? `v${a.id}` : `l${a.value}`)).join(',');
    const key = `${primitive}|${JSON.stringify(params)}|${operands}`;
    const existing = this.seen.get(key);
    if (existing) return existing;
    const out = newVar(outputAval(primitive, avals, params));
    this.equations.push({ primitive, inputs: [...inputs], params, out });
    this.seen.set(key, out);
    return out;
  }

  graph(outputs: readonly Atom[]): Graph {
    return { inputs: [...this.constVars, ...this.inputs], equations: [...this.equations], outputs: [...outputs] };
  }
}

function foldScalar(primitive: Primitive, a: number, b: number, params: AnyParams): number {
  const meaning = scalarSemantics[primitive as keyof typeof scalarSemantics] as (
    a: number,
    b: number,
    p: AnyParams,
  ) => number;
  return meaning(a, b, params);
}

/** The innermost trace among the arguments, or null when all are concrete. */
export function innermostBuilder(args: readonly Value[]): GraphBuilder | null {
  let found: GraphBuilder | null = null;
  for (const arg of args) {
    if (arg instanceof Tracer) {
      if (!activeBuilders.includes(arg.builder)) {
        throw new Error(
          'a tracer escaped its trace: a value from inside jit/vmap was used after the traced function returned',
        );
      }
      if (!found || arg.builder.level > found.level) found = arg.builder;
    }
  }
  return found;
}

/** Records a primitive into a trace and returns the tracer (or number) for its result. */
export function bindTraced(
  builder: GraphBuilder,
  primitive: Primitive,
  args: readonly Value[],
  params: AnyParams,
): Tracer | number {
  const out = builder.emit(
    primitive,
    args.map((a) => builder.atomFor(a)),
    params,
  );
  return out.kind === 'literal' ? out.value : new Tracer(builder, out);
}

/** A traced function: its graph, and the outside values its leading inputs stand for. */
export interface TracedFunction {
  graph: Graph;
  consts: (NDArray | Tracer)[];
  /** True when the function returned a single value rather than a list. */
  single: boolean;
}

/** Traces fn at the given abstract inputs. */
export function traceFunction(
  fn: (...args: Value[]) => Value | Value[],
  avals: readonly AbstractValue[],
): TracedFunction {
  const builder = new GraphBuilder(activeBuilders.length + 1);
  activeBuilders.push(builder);
  try {
    const args = avals.map((aval) => new Tracer(builder, builder.addInput(aval)));
    const result = fn(...args);
    const single = !Array.isArray(result);
    const outputs = (single ? [result] : result) as Value[];
    for (const out of outputs) {
      if (!(typeof out === 'number' || out instanceof Tracer || out instanceof NDArray)) {
        throw new TypeError(`a traced function must return arrays or numbers, got ${describe(out)}`);
      }
    }
    const atoms = outputs.map((o) => builder.atomFor(o));
    return { graph: builder.graph(atoms), consts: [...builder.constValues], single };
  } finally {
    activeBuilders.pop();
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
