#!/usr/bin/env node
// The npm bin of `vlab`: runs the compiled CLI (dist/cli/vlab.js), rebuilding
// it first when its sources are newer (a clone being edited; a few hundred ms).
import { ensureBuilt } from '../main/build.mjs';

try {
  // Rebuilding says so on a terminal only: a piped stderr is the command's own (vlab's status lines).
  await ensureBuilt(['entries'], { quietRebuild: !process.stderr.isTTY });
} catch (error) {
  process.stderr.write(`vlab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
await import('../dist/cli/vlab.js');
