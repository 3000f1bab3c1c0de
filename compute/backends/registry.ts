// Which backends this process has, and why the others are missing. The JS
// backend is always here; the registry itself knows how to load native and
// webgpu, on demand (loadBackends(), once): every entry point — the API, a
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
let loading: Promise<void> | null = null;

/** Replaces how a backend loads (tests: a backend built with its own options). */
export function registerBackendLoader(name: BackendName, loader: BackendLoader): void {
  loaders.set(name, loader);
  loading = null;
}

/** Tries every registered loader once. Safe to call many times. */
export function loadBackends(): Promise<void> {
  loading ??= (async () => {
    for (const [name, loader] of loaders) {
      if (loaded.has(name) || failures.has(name)) continue;
      try {
        const backend = await loader();
        const status = backend.status();
        if (status.available) loaded.set(name, backend);
        else failures.set(name, status.reason);
      } catch (error) {
        failures.set(name, error instanceof Error ? error.message : String(error));
      }
    }
  })();
  return loading;
}

export function backendStatus(name: BackendName): BackendStatus {
  if (loaded.has(name)) return { available: true };
  const reason =
    failures.get(name) ??
    (loaders.has(name) ? 'not loaded yet (call loadBackends())' : `the ${name} backend is not built into this version`);
  return { available: false, reason };
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
