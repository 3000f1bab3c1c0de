// The engine worker's entry when the app runs from source (the tests, `npm
// run dev`): tsx compiles the TypeScript worker in this thread. A developer
// script, never shipped: compiled code starts dist/engine/worker.js instead
// (main/engine/entry.ts chooses), and tsx is a devDependency.
import { register } from 'tsx/esm/api';

register();
await import('../main/engine/worker.ts');
