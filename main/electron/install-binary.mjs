// `npm install`'s last step: tries to fetch Electron's binary, and never
// fails the install when it cannot. The `electron` package is installed with
// its own download script turned off (package.json's allowScripts), because
// that script fails the whole install where the internet is out of reach (an
// offline lab machine, CI). Here the same download runs once, bounded in
// time; without it `npm start` opens the web shell instead (see README).
// VLAB_SKIP_ELECTRON=1 skips the attempt.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronBinary } from '../chooseShell.mjs';

const require = createRequire(import.meta.url);

function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const binaryPresent = () => electronBinary() !== null;

const dir = electronPackageDir();
if (process.env.VLAB_SKIP_ELECTRON) {
  process.stdout.write('vlab: VLAB_SKIP_ELECTRON is set; `npm start` will use the web shell\n');
} else if (!dir) {
  process.stdout.write('vlab: the electron package is not installed; `npm start` will use the web shell\n');
} else if (!binaryPresent()) {
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    stdio: 'pipe',
    timeout: 180_000,
    encoding: 'utf8',
  });
  if (result.status === 0 && binaryPresent()) {
    process.stdout.write('vlab: Electron binary installed; `npm start` opens the desktop app\n');
  } else {
    const why =
      (result.error?.message ?? result.stderr ?? '').split('\n').find((line) => line.trim()) ??
      `exit code ${result.status}`;
    process.stdout.write(
      `vlab: no Electron binary (${why.trim().slice(0, 160)}); \`npm start\` will use the web shell (Chromium)\n`,
    );
  }
}
