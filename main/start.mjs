// `npm start`: builds the renderer when its sources changed, then opens the
// app in Electron when its binary is installed, else in the web shell
// (Chromium on a loopback host). VLAB_SHELL=web or =electron forces one.

import { spawn } from 'node:child_process';
import { appRoot, buildElectron, buildRenderer, rendererIsStale } from './build.mjs';
import { chooseShell, electronBinary } from './chooseShell.mjs';

const choice = chooseShell(process.env.VLAB_SHELL, electronBinary());
if (choice.shell === null) {
  process.stderr.write(`${choice.error}\n`);
  process.exit(1);
}

if (rendererIsStale()) {
  process.stdout.write('building the renderer…\n');
  await buildRenderer();
}

if (choice.shell === 'electron') {
  process.stdout.write('Vectorization Lab — desktop app (Electron)\n');
  await buildElectron();
  const child = spawn(choice.binary, [appRoot, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { launchWebShell } = await import('./web/launch.ts');
  await launchWebShell();
}
