// The engine worker's entry when the app runs from source (tests, `npm run
// dev`): tsx compiles the TypeScript worker in this thread. Compiled code
// starts dist/engine/worker.js instead (entry.ts chooses); tsx is a
// devDependency and never ships.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
