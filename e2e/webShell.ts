// Starts the lab's web shell (`node main/start.mjs` with VLAB_SHELL=web) for
// an end-to-end suite: its own data folder, a memory cap, no browser of its
// own; resolves with the tokenized address it prints.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface WebShell {
  url: string;
  host: ChildProcess;
  dataDir: string;
}

export async function startWebShell(options: { dataDirPrefix: string; memoryCapBytes: number }): Promise<WebShell> {
  const dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix));
  const host = spawn(process.execPath, ['main/start.mjs'], {
    cwd: root,
    env: { ...process.env, VLAB_SHELL: 'web', VLAB_NO_BROWSER: '1', VLAB_DATA_DIR: dataDir, VLAB_MEMORY_CAP: String(options.memoryCapBytes) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web shell did not start in 120 s:\n${output}`)), 120_000);
    host.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /VLAB_URL=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    host.once('exit', (code) => reject(new Error(`the web shell exited with ${code}:\n${output}`)));
  });
  return { url, host, dataDir };
}
