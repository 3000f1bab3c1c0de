#!/usr/bin/env node
// The npm bin of `vlab`: runs the compiled CLI (dist/cli/vlab.js), rebuilding
// it first when its sources are newer (a clone being edited; a few hundred ms).
import { ensureBuilt } from '../main/build.mjs';

try {
  await ensureBuilt(['entries']);
} catch (error) {
  process.stderr.write(`vlab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
await import('../dist/cli/vlab.js');
