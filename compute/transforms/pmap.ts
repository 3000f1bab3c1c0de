// pmap with JAX's semantics over CPU devices (the native pool's threads):
// f is mapped over an axis of its arguments, one slice per device, and the
// mapped axis may not be larger than the number of devices. Nested pmaps
// multiply (pmap(pmap(f)) over (2, 4) needs 8 devices), as in JAX. The
// mapped computation is traced once per signature as vmap(f) and compiled
// for the native backend; at run time the output is cut into one contiguous
// part per device slice, and each part runs on its own pool thread. Where
// the addon is missing, the one CPU device is the JS engine thread, so pmap
// still runs (axis size 1) and says why it has no more devices.

import { type Graph, printGraph } from '../core/graph.js';
import { NDArray } from '../core/ndarray.js';
import { formatShape, normalizeAxis } from '../core/shape.js';
import { type TracedFunction, type Value, isTracer, traceFunction } from '../core/trace.js';
import type { Device, Executable, Placement, RunControl } from '../backends/backend.js';
import { zeroStrideAxes } from '../backends/fuse.js';
import { backendStatus, getBackend } from '../backends/registry.js';
import { compileGraph } from '../backends/staged.js';
import type { ArrayResult, Traceable } from './jit.js';
import { type InAxes, vmap } from './vmap.js';

export interface PmapOptions {
  /** Per argument: the mapped axis, or null for an argument every device gets whole (JAX's in_axes). Default 0. */
  inAxes?: InAxes;
  /**
   * How many of the CPU devices to use, or which ones (default: all). The pool's threads are interchangeable: only the
   * count matters.
   */
  devices?: number | readonly Device[];
  /** Names the device axis for collectives (lax.pmax(x, axisName) …), as JAX's axis_name. */
  axisName?: string;
}

export interface PmappedFunction {
  /** Runs to completion, blocking the calling thread; one array or a list, as f returns. */
  (...args: (NDArray | number)[]): ArrayResult;
  /** Called on tracers (inside jit, vmap or an outer pmap): inlined into the caller's graph. */
  (...args: Value[]): Value | Value[];
  /** Runs without blocking the event loop, cancellable, with progress. */
  run(args: readonly (NDArray | number)[], control?: RunControl): Promise<ArrayResult>;
  /** The traced graph for these arguments and how many devices it runs on. */
  lower(...args: (NDArray | number)[]): { graph: Graph; text: string; devices: number };
  /** The devices this pmap may use (resolved when called, once backends are loaded). */
  devices(): Device[];
}

/** The CPU devices pmap maps over: the native pool's threads, else the JS engine thread. */
export function cpuDevices(): Device[] {
  if (backendStatus('native').available) return getBackend('native').devices();
  return getBackend('js').devices();
}

/** Why there is only one CPU device, when that is so. */
function fewDevicesHint(): string {
  const status = backendStatus('native');
  return status.available ? '' : ` (the native backend is unavailable: ${status.reason})`;
}

/** Per pmap being traced (innermost last): the device slices the pmaps nested in it need. */
const nestedFactors: number[] = [];

interface Compiled {
  traced: TracedFunction;
  executable: Executable;
  consts: NDArray[];
  /** Device slices: this pmap's axis size times those of the pmaps nested in it. */
  slices: number;
}

export function pmap(fn: Traceable, options: PmapOptions = {}): PmappedFunction {
  const inAxesOption = options.inAxes === undefined ? 0 : options.inAxes;
  const cache = new Map<string, Compiled>();
  const named = options.axisName === undefined ? {} : { axisName: options.axisName };

  const chosenDevices = (): Device[] => {
    const all = cpuDevices();
    const wanted = options.devices;
    if (wanted === undefined) return all;
    if (typeof wanted === 'number') {
      if (!Number.isInteger(wanted) || wanted < 1)
        throw new RangeError(`pmap devices must be a positive integer, got ${wanted}`);
      if (wanted > all.length) {
        throw new Error(
          `pmap was asked for ${wanted} devices but only ${all.length} ${all.length === 1 ? 'is' : 'are'} ` +
            `available${fewDevicesHint()}`,
        );
      }
      return all.slice(0, wanted);
    }
    const ids = new Set(all.map((d) => d.id));
    const unknown = wanted.find((d) => !ids.has(d.id));
    if (unknown)
      throw new Error(`pmap: device ${unknown.id} is not one of the CPU devices (${all.map((d) => d.id).join(', ')})`);
    if (wanted.length === 0) throw new Error('pmap needs at least one device');
    return [...wanted];
  };

  const checkFits = (
    slices: number,
    deviceCount: number,
    what: string,
    shape: readonly number[],
    axis: number,
  ): void => {
    if (slices <= deviceCount) return;
    const size = shape[axis]!;
    const suggestion =
      size % deviceCount === 0 && slices === size
        ? `; use at most ${deviceCount} or reshape to ` +
          `${formatShape([...shape.slice(0, axis), deviceCount, size / deviceCount, ...shape.slice(axis + 1)])}`
        : `; use at most ${deviceCount}`;
    throw new Error(
      `pmap: ${what} has size ${slices} but only ${deviceCount} device${deviceCount === 1 ? ' is' : 's are'} ` +
        `available${fewDevicesHint()}${suggestion}`,
    );
  };

  /** The mapped axis size, checked across arguments, and the first mapped argument's shape and axis (for messages). */
  const mappedAxis = (args: readonly Value[], inAxes: readonly (number | null)[]) => {
    let found: { size: number; shape: readonly number[]; axis: number; index: number } | null = null;
    args.forEach((value, index) => {
      const axis = inAxes[index];
      if (axis === null || axis === undefined) return;
      if (typeof value === 'number') {
        throw new Error(
          `pmap: argument ${index} is a number but in_axes maps axis ${axis}; use null for values every device shares`,
        );
      }
      const at = normalizeAxis(
        axis,
        value.shape.length,
        `pmap in_axes entry ${axis} for argument ${index} of shape ${formatShape(value.shape)}`,
      );
      const size = value.shape[at]!;
      if (found && found.size !== size) {
        throw new Error(
          `pmap got inconsistent sizes for the mapped axis: argument ${found.index} has ${found.size}, argument ` +
            `${index} has ${size}`,
        );
      }
      found ??= { size, shape: value.shape, axis: at, index };
    });
    if (!found) throw new Error('pmap needs at least one mapped argument: every in_axes entry is null');
    return found as { size: number; shape: readonly number[]; axis: number; index: number };
  };

  const perArgument = (count: number): (number | null)[] => {
    const axes = inAxesOption;
    if (axes === null || typeof axes === 'number') return new Array<number | null>(count).fill(axes);
    if (axes.length !== count)
      throw new Error(`pmap inAxes has ${axes.length} entries but there are ${count} arguments`);
    return [...axes];
  };

  const compile = (args: readonly (NDArray | number)[]) => {
    const inAxes = perArgument(args.length);
    const devices = chosenDevices();
    const mapped = mappedAxis(args, inAxes);
    checkFits(
      mapped.size,
      devices.length,
      `the mapped axis ${mapped.axis} of argument ${mapped.index} (shape ${formatShape(mapped.shape)})`,
      mapped.shape,
      mapped.axis,
    );
    const arrays = args.filter((a): a is NDArray => a instanceof NDArray);
    let key = `${devices.length}|`;
    for (const a of args) key += a instanceof NDArray ? `${a.signatureKey};` : `n${a};`;
    let compiled = cache.get(key);
    if (!compiled) {
      // Numbers are shared by every slice: they stay literals in the trace, as in vmap.
      const body = (...tracers: Value[]) => {
        let k = 0;
        const full = args.map((a) => (a instanceof NDArray ? tracers[k++]! : a));
        return vmap(fn, { inAxes: inAxes.map((axis, i) => (typeof args[i] === 'number' ? null : axis)), ...named })(
          ...full,
        );
      };
      nestedFactors.push(1);
      let traced: TracedFunction;
      let inner: number;
      try {
        traced = traceFunction(
          body,
          arrays.map((a) => ({ shape: a.shape, dtype: a.dtype })),
        );
      } finally {
        inner = nestedFactors.pop()!;
      }
      const slices = mapped.size * inner;
      if (slices > devices.length) {
        throw new Error(
          `pmap: nested pmaps map ${mapped.size} × ${inner} = ${slices} slices but only ${devices.length} ` +
            `device${devices.length === 1 ? ' is' : 's are'} available${fewDevicesHint()}`,
        );
      }
      const consts = traced.consts.map((c) => {
        if (isTracer(c))
          throw new Error(
            'pmap: the function closes over a value being traced by an outer transformation; pass it as an argument',
          );
        return c;
      });
      const backend = getBackend(backendStatus('native').available ? 'native' : 'js');
      const executable = compileGraph(backend, traced.graph, {
        zeroStrides: [...consts, ...arrays].map(zeroStrideAxes),
      });
      // An empty mapped axis still runs (producing an empty result) on one device.
      compiled = { traced, executable, consts, slices: Math.max(1, slices) };
      cache.set(key, compiled);
    }
    return { compiled, inputs: [...compiled.consts, ...arrays] };
  };

  const shape = (compiled: Compiled, outs: NDArray[]): ArrayResult => (compiled.traced.single ? outs[0]! : outs);
  /**
   * One device and one contiguous part of the output per slice, on backends that can place a run (native); the JS
   * backend has one device.
   */
  const placementOf = (compiled: Compiled): Placement => ({ devices: compiled.slices, parts: compiled.slices });

  const pmapped = ((...args: Value[]): ArrayResult | Value | Value[] => {
    if (args.some(isTracer)) return traced(args);
    const { compiled, inputs } = compile(args as (NDArray | number)[]);
    const executable = compiled.executable;
    if (executable.runSyncOn) return shape(compiled, executable.runSyncOn(inputs, placementOf(compiled)));
    return shape(compiled, executable.runSync!(inputs));
  }) as PmappedFunction;

  /** Inside another trace pmap is vmap, and tells an enclosing pmap how many device slices it adds. */
  const traced = (args: Value[]): Value | Value[] => {
    const inAxes = perArgument(args.length);
    const mapped = mappedAxis(args, inAxes);
    const devices = chosenDevices();
    checkFits(
      mapped.size,
      devices.length,
      `the mapped axis ${mapped.axis} of argument ${mapped.index} (shape ${formatShape(mapped.shape)})`,
      mapped.shape,
      mapped.axis,
    );
    nestedFactors.push(1);
    let inner: number;
    let result: Value | Value[];
    try {
      result = vmap(fn, { inAxes: inAxes.map((axis, i) => (typeof args[i] === 'number' ? null : axis)), ...named })(
        ...args,
      );
    } finally {
      inner = nestedFactors.pop()!;
    }
    // Nested pmaps multiply; pmaps side by side in one function reuse the same devices, so the widest counts.
    const depth = nestedFactors.length;
    if (depth > 0) nestedFactors[depth - 1] = Math.max(nestedFactors[depth - 1]!, mapped.size * inner);
    return result;
  };

  pmapped.run = async (args, control = {}) => {
    const { compiled, inputs } = compile(args);
    const executable = compiled.executable;
    if (executable.runOn) return shape(compiled, await executable.runOn(inputs, placementOf(compiled), control));
    return shape(compiled, await executable.run(inputs, control));
  };
  pmapped.lower = (...args) => {
    const { compiled } = compile(args);
    return { graph: compiled.traced.graph, text: printGraph(compiled.traced.graph), devices: compiled.slices };
  };
  pmapped.devices = chosenDevices;
  return pmapped;
}
