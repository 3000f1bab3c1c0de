// Where node-gyp and the running Node's headers are, for every script that
// builds the addon (build.mjs here; main/packaging/addonForArch.mjs per
// packaged architecture): nothing is downloaded when the headers ship with
// Node.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** node-gyp's entry script: npm's own (npm_config_node_gyp, or the copy bundled with npm), else a package. */
export function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package; npm's bundled copy is the usual one
  }
  return candidates.find((path) => path && existsSync(path));
}

/**
 * The running Node's prefix when it ships its headers (a distro or official install), so node-gyp needs no download.
 */
export function findNodeDir() {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}
