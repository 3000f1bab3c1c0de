// The web shell's entry point, compiled to dist/web/start.js: what `npm start`
// runs where no Electron binary is installed. It only starts the shell.

import { launchWebShell } from './launch.js';

await launchWebShell();
