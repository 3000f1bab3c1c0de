// `npm start`: rebuilds what is older than its sources (dist/, see build.mjs),
// then opens the app in Electron when its binary is installed, else in the
// web shell (Chromium on a loopback host). VLAB_SHELL=web or =electron forces one.
// Both run compiled code only: dist/main/main.js, dist/web/start.js.

import { spawn } from 'node:child_process';
import { appRoot, ensureBuilt } from './build.mjs';
import { chooseShell, electronBinary } from './chooseShell.mjs';

const choice = chooseShell(process.env.VLAB_SHELL, electronBinary());
if (choice.shell === null) {
  process.stderr.write(`${choice.error}\n`);
  process.exit(1);
}

try {
  await ensureBuilt(['renderer', 'entries'], { log: (line) => process.stdout.write(`${line}\n`) });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

if (choice.shell === 'electron') {
  process.stdout.write('Vectorization Lab — desktop app (Electron)\n');
  const child = spawn(choice.binary, [appRoot, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  await import('../dist/web/start.js');
}
