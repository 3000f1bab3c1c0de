// The engine process's RPC loop, between the host (host.ts) and the
// handlers (handlers.ts), over this process's end of the channel (port.ts),
// whichever kind of process it is. It starts each call with its own
// AbortSignal, cancels it on the host's word, forwards its progress at most
// every PROGRESS_INTERVAL_MS, and answers a failure as the contract's
// LabError (errors.ts), never as a bare message. On shutdown it cancels
// everything and exits once nothing is in flight; on an uncaught error it
// tells the host why, then exits. It knows no method by name.

import { serializeError } from './errors.js';
import { engineHandlers, type Handler } from './handlers.js';
import { enginePortOfThisProcess } from './port.js';
import type { EngineMethod, ToWorker } from './protocol.js';

/** Progress messages at most this often: the channel to the window is not a log. */
const PROGRESS_INTERVAL_MS = 50;

const port = enginePortOfThisProcess();
const handlers = engineHandlers();
const controllers = new Map<number, AbortController>();
let shuttingDown = false;

// An engine that cannot go on says why before it goes (the host falls back to the exit code).
process.on('uncaughtException', (error) => {
  port.exit(1, { type: 'fatal', message: error instanceof Error ? error.message : String(error) });
});

function exitIfIdle(): void {
  if (shuttingDown && controllers.size === 0) port.exit(0);
}

port.onMessage(async (message: ToWorker) => {
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  if (message.type === 'shutdown') {
    shuttingDown = true;
    for (const controller of controllers.values()) controller.abort();
    exitIfIdle();
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
    port.post({ type: 'progress', id, progress: value });
  };
  try {
    const handler = handlers[method] as Handler<EngineMethod>;
    const value = await handler(params as never, { signal: controller.signal, progress });
    // A structured clone: the typed arrays of a surface view are copied (at most 300 × 300 float32, 352 KiB).
    port.post({ type: 'result', id, value });
  } catch (error) {
    port.post({ type: 'error', id, error: serializeError(error) });
  } finally {
    controllers.delete(id);
    exitIfIdle();
  }
});

port.post({ type: 'ready' });
