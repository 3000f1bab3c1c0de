// The JS heap after a full collection: what is still reachable, the figure
// soak tests and the engine's memory report compare. Reaches V8's collector
// without starting the process or thread with --expose-gc.

import v8 from 'node:v8';
import vm from 'node:vm';

export function settledHeapUsed(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // Several passes: objects with finalizers or weak references need more than one.
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
