// The engine worker's entry: the engine is TypeScript, run through tsx in
// this thread (as bin/vlab.js does for the CLI), then the worker proper loads.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
