// The engine process's entry when the app runs from source (the tests, `npm
// run dev`): the host forks this script with no Node flags, and it registers
// tsx's loader in this process before it loads the TypeScript RPC loop. A
// developer script, never shipped: compiled code starts dist/engine/worker.js
// instead (main/engine/entry.ts chooses), and tsx is a devDependency.
import { register } from 'tsx/esm/api';

register();
await import('../main/engine/worker.ts');
