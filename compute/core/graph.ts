// The traced program: typed variables, equations over primitives, inputs and
// outputs — our jaxpr. It is plain data, so every transformation and backend
// reads the same thing, and it prints like code for the UI and for tests.

import type { DType } from './dtype.js';
import type { AnyParams, Primitive } from './primitives.js';
import { formatShape } from './shape.js';

/** An abstract value: what tracing knows of an array (shape and dtype, no data). */
export interface AbstractValue {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface Var {
  readonly kind: 'var';
  readonly id: number;
  readonly aval: AbstractValue;
}

/** A constant folded into the program (a number from the user's code or formula). */
export interface Literal {
  readonly kind: 'literal';
  readonly value: number;
}

export type Atom = Var | Literal;

export interface Equation {
  readonly primitive: Primitive;
  readonly inputs: readonly Atom[];
  readonly params: AnyParams;
  readonly out: Var;
}

export interface Graph {
  readonly inputs: readonly Var[];
  readonly equations: readonly Equation[];
  readonly outputs: readonly Atom[];
}

export function literal(value: number): Literal {
  return { kind: 'literal', value };
}

export function avalString(aval: AbstractValue): string {
  const dims = aval.shape.join(',');
  return `${aval.dtype === 'float32' ? 'f32' : 'f64'}[${dims}]`;
}

/** jaxpr-like text: `{ lambda ; a:f32[80] b:f32[80]. let c:f32[80] = cos a ... in (c) }`. */
export function printGraph(graph: Graph): string {
  const names = new Map<number, string>();
  const nameOf = (v: Var): string => {
    let name = names.get(v.id);
    if (name === undefined) names.set(v.id, (name = varName(names.size)));
    return name;
  };
  const atom = (a: Atom): string => (a.kind === 'literal' ? formatLiteral(a.value) : nameOf(a));
  const binder = (v: Var): string => `${nameOf(v)}:${avalString(v.aval)}`;
  const lines = [`{ lambda ; ${graph.inputs.map(binder).join(' ')}. let`];
  for (const eqn of graph.equations) {
    const params = formatParams(eqn.params);
    lines.push(`    ${binder(eqn.out)} = ${eqn.primitive}${params} ${eqn.inputs.map(atom).join(' ')}`);
  }
  lines.push(`  in (${graph.outputs.map(atom).join(', ')}) }`);
  return lines.join('\n');
}

function varName(index: number): string {
  // a..z, then ba, bb, … as jaxprs do
  let name = '';
  let i = index;
  do {
    name = String.fromCharCode(97 + (i % 26)) + name;
    i = Math.floor(i / 26);
  } while (i > 0);
  return name;
}

export function formatLiteral(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.0`;
  return String(value);
}

function formatParams(params: AnyParams): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  const text = entries.map(
    ([key, value]) => `${snake(key)}=${Array.isArray(value) ? formatShape(value as number[]) : String(value)}`,
  );
  return `[${text.join(' ')}]`;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
