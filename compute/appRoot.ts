// The one place that knows where the app's files are: the folder holding the
// lab's package.json. The same answer from sources (compute/…), from the
// compiled entry points (dist/cli, dist/engine, dist/web, dist/main) and
// from a packaged app, where it is the app.asar archive and the natives that
// cannot live in an archive sit beside it in app.asar.unpacked.
// VLAB_APP_ROOT overrides it (a shell that knows better, tests).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'vectorization-lab';

/** The nearest folder at or above `start` whose package.json is the lab's. */
export function findAppRoot(start: string): string | null {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // A package.json that is not JSON is not ours; keep climbing.
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

let cached: string | undefined;

/** The lab's root folder. Throws with both places it looked if there is none (a broken install). */
export function appRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VLAB_APP_ROOT) return resolve(env.VLAB_APP_ROOT);
  if (cached === undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    const found = findAppRoot(here);
    if (!found) throw new Error(`cannot find the lab's package.json above ${here}; reinstall the app`);
    cached = found;
  }
  return cached;
}

/** Where files that must be real files live: app.asar.unpacked inside a packaged app, else the root itself. */
export function unpackedRoot(root: string = appRoot()): string {
  return root.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked');
}

/** The lab's version, from its package.json ('unknown' if unreadable). */
export function appVersion(root: string = appRoot()): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
