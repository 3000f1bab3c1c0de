// Registers how each optional backend loads. Importing this module does not
// load anything; loadBackends() (registry.ts) does, once, and records why a
// backend is missing rather than failing.

import { registerBackendLoader } from './registry.js';

registerBackendLoader('native', async () => (await import('./native.js')).loadNativeBackend());
registerBackendLoader('webgpu', async () => (await import('./webgpu.js')).loadWebGpuBackend());
