// The engine's thread: the RPC loop between the host (host.ts) and the
// handlers (handlers.ts). It starts each call with its own AbortSignal,
// cancels it on the host's word, forwards its progress at most every
// PROGRESS_INTERVAL_MS, moves typed arrays in results without a copy, and
// answers a failure as the contract's LabError (errors.ts), never as a bare
// message. It knows no method by name.

import { parentPort } from 'node:worker_threads';
import { serializeError } from './errors.js';
import { engineHandlers, type Handler } from './handlers.js';
import type { EngineMethod, FromWorker, ToWorker } from './protocol.js';

/** Progress messages at most this often: the channel to the window is not a log. */
const PROGRESS_INTERVAL_MS = 50;

/** The typed arrays of a result (a surface view) move to the host without a copy. */
function transferables(value: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
      return;
    }
    for (const child of Object.values(v)) if (child && typeof child === 'object' && !Array.isArray(child)) visit(child);
  };
  visit(value);
  return out;
}

const port = parentPort;
if (!port) throw new Error('main/engine/worker.ts must run in a worker thread');

const handlers = engineHandlers();
const controllers = new Map<number, AbortController>();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  const { id, method, params } = message;
  const controller = new AbortController();
  controllers.set(id, controller);
  let lastProgress = 0;
  const progress = (value: unknown) => {
    const now = performance.now();
    if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    post({ type: 'progress', id, progress: value });
  };
  try {
    const handler = handlers[method] as Handler<EngineMethod>;
    const value = await handler(params as never, { signal: controller.signal, progress });
    post({ type: 'result', id, value }, transferables(value));
  } catch (error) {
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    controllers.delete(id);
  }
});

post({ type: 'ready' });
