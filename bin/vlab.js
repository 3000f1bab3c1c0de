#!/usr/bin/env node
// Entry point of the `vlab` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../compute/cli/vlab.ts');
await main(process.argv.slice(2));
