// Which file an engine process starts from. Compiled code (dist/, the packaged
// app) starts the compiled RPC loop, dist/engine/worker.js; sources run by tsx
// (the tests, `npm run dev`) start scripts/dev-engine-worker.mjs, a developer
// script that loads the worker from source through tsx. No compiled process loads a TypeScript compiler.

import { join } from 'node:path';

export function engineWorkerEntry(appRoot: string, runningFromSource = import.meta.url.endsWith('.ts')): string {
  return runningFromSource
    ? join(appRoot, 'scripts', 'dev-engine-worker.mjs')
    : join(appRoot, 'dist', 'engine', 'worker.js');
}
