// Which backends this process has, and why the others are missing. The JS
// backend is always here; the registry itself knows how to load native and
// webgpu, on demand (loadBackends(), each once): every entry point — the API, a
// strategy module, the CLI, the worker — sees the same backends, with no
// side-effect import to remember. A backend that cannot load (no compiler,
// no GPU) is recorded as unavailable with the reason; nothing else breaks.
// The loaders import their modules lazily so that a process that never runs
// on a GPU never loads Dawn.

import { type Backend, type BackendName, type BackendStatus, type Device, BACKEND_NAMES } from './backend.js';
import { jsBackend } from './js.js';

export type BackendLoader = () => Promise<Backend>;

/** How each optional backend loads; typed over the backend names, so a new one cannot be left out. */
const BUILT_IN_LOADERS: { [B in Exclude<BackendName, 'js'>]: BackendLoader } = {
  native: async () => (await import('./native.js')).loadNativeBackend(),
  webgpu: async () => (await import('./webgpu.js')).loadWebGpuBackend(),
};

const loaded = new Map<BackendName, Backend>([['js', jsBackend]]);
const failures = new Map<BackendName, string>();
const loaders = new Map<BackendName, BackendLoader>(Object.entries(BUILT_IN_LOADERS) as [BackendName, BackendLoader][]);
/** Each backend's load, started once: a run loads only what it runs on (a CPU run never waits for Dawn). */
const loading = new Map<BackendName, Promise<void>>();

/** Replaces how a backend loads (tests: a backend built with its own options). */
export function registerBackendLoader(name: BackendName, loader: BackendLoader): void {
  loaders.set(name, loader);
  loading.delete(name);
}

/** The backends on the CPU: what a run needs loaded to choose its default backend (resolve.ts). */
export const CPU_BACKENDS: readonly BackendName[] = ['js', 'native'];

/** Tries each named loader (by default every one) once. Safe to call many times. */
export function loadBackends(names: readonly BackendName[] = BACKEND_NAMES): Promise<void> {
  return Promise.all(names.map(loadBackend)).then(() => undefined);
}

function loadBackend(name: BackendName): Promise<void> {
  const loader = loaders.get(name);
  if (!loader || loaded.has(name) || failures.has(name)) return Promise.resolve();
  let load = loading.get(name);
  if (!load) {
    load = (async () => {
      try {
        const backend = await loader();
        const status = backend.status();
        if (status.available) loaded.set(name, backend);
        else failures.set(name, status.reason);
      } catch (error) {
        failures.set(name, error instanceof Error ? error.message : String(error));
      }
    })();
    loading.set(name, load);
  }
  return load;
}

export function backendStatus(name: BackendName): BackendStatus {
  if (loaded.has(name)) return { available: true };
  const failure = failures.get(name);
  if (failure !== undefined) return { available: false, reason: failure };
  if (!loaders.has(name)) return { available: false, reason: `the ${name} backend is not built into this version` };
  return { available: false, reason: `the ${name} backend is still loading`, pending: true };
}

export function backendStatuses(): { name: BackendName; status: BackendStatus }[] {
  return BACKEND_NAMES.map((name) => ({ name, status: backendStatus(name) }));
}

/** The backend by name, or a clear error saying why it cannot be used. */
export function getBackend(name: BackendName): Backend {
  const backend = loaded.get(name);
  if (backend) return backend;
  const status = backendStatus(name);
  throw new Error(`backend '${name}' is unavailable: ${status.available ? 'unknown' : status.reason}`);
}

/** Every device of every loaded backend, as jax.devices(). */
export function devices(): Device[] {
  return [...loaded.values()].flatMap((b) => b.devices());
}
