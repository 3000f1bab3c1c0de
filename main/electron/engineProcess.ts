// How the desktop app starts an engine process: Electron's utility process
// (utilityProcess.fork, a Chromium-launched child with Node in it), the
// host's end of port.ts. Not child_process.fork: electron-builder.yml turns
// the RunAsNode fuse off, so the packaged binary cannot be started as a
// plain Node. The utility process reads its entry from inside app.asar, and
// its child's end is process.parentPort (enginePortOfThisProcess picks it).
// Electron's exit code says little (a crash may read as 0, electron/electron
// #42283): any exit the host did not ask for is a crash, whatever its code.

import type { UtilityProcess } from 'electron';
import type { SpawnEngine } from '../engine/port.js';
import type { FromWorker } from '../engine/protocol.js';

/** What this module needs of Electron's `utilityProcess` (the stand-in provides the same). */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { env?: NodeJS.ProcessEnv; serviceName?: string; stdio?: 'inherit' },
  ): Pick<UtilityProcess, 'postMessage' | 'on' | 'kill'>;
}

export function utilityProcessSpawner(utilityProcess: UtilityProcessModule): SpawnEngine {
  return (entry, { env }) => {
    const child = utilityProcess.fork(entry, [], { env, serviceName: 'Vectorization Lab engine', stdio: 'inherit' });
    let exited = false;
    return {
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => void child.on('message', (message: FromWorker) => listener(message)),
      onExit: (listener) =>
        void child.on('exit', (code: number) => {
          exited = true;
          listener({ code, signal: null });
        }),
      kill: () => void child.kill(),
    };
  };
}
