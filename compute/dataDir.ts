// Where the app keeps its files, the same for both shells and the CLI so that
// a session started in one is offered back in the other and the machine's
// measurement is paid once: Electron's userData folder
// (~/.config/vectorization-lab on Linux), or VLAB_DATA_DIR when set (tests).
// A leaf: Node's os and path only.

import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'vectorization-lab';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.VLAB_DATA_DIR) return env.VLAB_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}
