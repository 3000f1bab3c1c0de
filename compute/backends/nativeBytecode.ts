// Lowers a fused kernel (fuse.ts) to the native evaluator's register
// bytecode. The opcodes are not restated here: they come from the one table
// in compute/native/src/opcodes.h, read from the loaded addon, so the
// lowering and the VM cannot disagree on a number. Instructions are ordered
// by loop depth (loop-invariant work first, as the VM hoists it) and
// registers are reused once their value is dead, so a program needs only a
// few block-sized registers. Pure: no addon calls, no array data.

import type { FusedKernel } from './fuse.js';
import { ELEMENTWISE_PRIMITIVES, type ElementwisePrimitive, type PrimitiveParams } from '../core/primitives.js';
import type { OpcodeEntry } from './nativeAddon.js';

/** The bytecode layout version; compute/native/src/program.h has the same number. */
export const BYTECODE_VERSION = 1;
export const HEADER_WORDS = 8;
export const INSTRUCTION_WORDS = 6;

/** Opcode numbers by primitive, plus the two data-movement opcodes. */
export interface OpcodeTable {
  load: number;
  const: number;
  /** The primitives this addon has kernels for; a graph using another is refused at lowering (see `missing`). */
  byPrimitive: Readonly<Partial<Record<ElementwisePrimitive, number>>>;
  /** Primitives of the engine this addon has no opcode for (it was built from older sources). */
  missing: readonly ElementwisePrimitive[];
}

/**
 * Builds the table from the addon's list. An addon without load/const is not
 * ours and is refused; one that lacks some primitives still loads, and says
 * which, so that every graph it can run still runs.
 */
export function opcodeTable(entries: readonly OpcodeEntry[]): OpcodeTable {
  const find = (primitive: string) => entries.find((e) => e.primitive === primitive)?.code;
  const load = find('load');
  const constant = find('const');
  if (load === undefined || constant === undefined)
    throw new Error('the native addon’s opcode table has no load/const entries');
  const byPrimitive: Partial<Record<ElementwisePrimitive, number>> = {};
  const missing: ElementwisePrimitive[] = [];
  for (const primitive of ELEMENTWISE_PRIMITIVES) {
    const code = find(primitive);
    if (code === undefined) missing.push(primitive);
    else byPrimitive[primitive] = code;
  }
  return { load, const: constant, byPrimitive, missing };
}

/** The error for a graph that uses a primitive the loaded addon has no kernel for. */
export function missingKernelError(primitive: ElementwisePrimitive): Error {
  return new Error(`this native build has no kernel for '${primitive}'; rebuild with npm run build:native`);
}

/** The primitives a table has no opcode for, in ELEMENTWISE_PRIMITIVES order. */
export function missingPrimitives(table: OpcodeTable): ElementwisePrimitive[] {
  return ELEMENTWISE_PRIMITIVES.filter((primitive) => table.byPrimitive[primitive] === undefined);
}

function opcodeOf(table: OpcodeTable, primitive: ElementwisePrimitive): number {
  const code = table.byPrimitive[primitive];
  if (code === undefined) throw missingKernelError(primitive);
  return code;
}

export interface Bytecode {
  code: Int32Array;
  consts: Float64Array;
  /** Registers the program uses (each holds one block per thread). */
  registers: number;
}

/** Lowers one fused kernel of a graph with `numInputs` inputs. */
export function lowerKernel(kernel: FusedKernel, numInputs: number, opcodes: OpcodeTable): Bytecode {
  const nodes = kernel.nodes;
  // Stable sort by depth keeps topological order: an argument's depth never exceeds its user's.
  const order = nodes.map((_, id) => id).sort((a, b) => nodes[a]!.depth - nodes[b]!.depth || a - b);
  const position = new Array<number>(nodes.length);
  order.forEach((id, at) => (position[id] = at));
  const lastUse = new Array<number>(nodes.length).fill(-1);
  nodes.forEach((node, id) => {
    if (node.kind === 'op') for (const arg of node.args) lastUse[arg] = Math.max(lastUse[arg]!, position[id]!);
  });

  const consts: number[] = [];
  const constSlot = new Map<string, number>();
  const register = new Array<number>(nodes.length).fill(-1);
  const free: number[] = [];
  let registers = 0;
  const words: number[] = [];

  order.forEach((id, at) => {
    const node = nodes[id]!;
    let op: number;
    let a: number;
    let b = -1;
    let imm = 0;
    if (node.kind === 'read') {
      op = opcodes.load;
      a = node.read;
    } else if (node.kind === 'const') {
      op = opcodes.const;
      const key = Object.is(node.value, -0) ? '-0' : String(node.value);
      let slot = constSlot.get(key);
      if (slot === undefined) {
        slot = consts.push(node.value) - 1;
        constSlot.set(key, slot);
      }
      a = slot;
    } else {
      op = opcodeOf(opcodes, node.primitive);
      a = register[node.args[0]!]!;
      b = node.args.length > 1 ? register[node.args[1]!]! : -1;
      if (node.primitive === 'integer_pow') imm = (node.params as PrimitiveParams['integer_pow']).y;
      // Operands that die here give their registers back first: every VM loop is elementwise, so in place is safe.
      for (const arg of new Set(node.args)) if (lastUse[arg] === at && arg !== kernel.result) free.push(register[arg]!);
    }
    const dst = free.length ? free.pop()! : registers++;
    register[id] = dst;
    words.push(op, node.depth, dst, a, b, imm);
  });

  const header = [
    BYTECODE_VERSION,
    kernel.dtype === 'float32' ? 0 : 1,
    kernel.outShape.length,
    numInputs,
    kernel.reads.length,
    registers,
    order.length,
    register[kernel.result]!,
  ];
  const code = Int32Array.from([...header, ...kernel.reads.map((r) => r.input), ...words]);
  return { code, consts: Float64Array.from(consts), registers };
}

/** Human-readable bytecode, for tests and for curious students. */
export function disassemble(bytecode: Bytecode, entries: readonly OpcodeEntry[]): string {
  const { code, consts } = bytecode;
  const names = new Map(entries.map((e) => [e.code, e.name]));
  const reads = code[4]!;
  const lines = [
    `; v${code[0]} ${code[1] === 0 ? 'f32' : 'f64'} rank ${code[2]} inputs ${code[3]} registers ${code[5]} result ` +
      `r${code[7]}`,
  ];
  for (let r = 0; r < reads; r++) lines.push(`; read ${r} = input ${code[HEADER_WORDS + r]}`);
  for (let at = HEADER_WORDS + reads; at < code.length; at += INSTRUCTION_WORDS) {
    const [op, depth, dst, a, b, imm] = code.subarray(at, at + INSTRUCTION_WORDS);
    const name = names.get(op!) ?? `op${op}`;
    let operands: string;
    if (name === 'LOAD') operands = `read ${a}`;
    else if (name === 'CONST') operands = String(consts[a!]);
    else
      operands =
        [a, b]
          .filter((r) => r! >= 0)
          .map((r) => `r${r}`)
          .join(', ') + (name === 'INTEGER_POW' ? `, ${imm}` : '');
    lines.push(`  d${depth}  r${dst} = ${name} ${operands}`);
  }
  return lines.join('\n');
}
