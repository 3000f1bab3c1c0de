import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../compute/appRoot.js';
import { engineWorkerEntry } from './entry.js';

describe('the engine process entry', () => {
  it('is the compiled RPC loop for compiled code, and the tsx loader for sources', () => {
    expect(engineWorkerEntry('/app', false)).toBe(join('/app', 'dist', 'engine', 'worker.js'));
    expect(engineWorkerEntry('/app', true)).toBe(join('/app', 'scripts', 'dev-engine-worker.mjs'));
    // Under vitest this module runs from source.
    expect(engineWorkerEntry(appRoot())).toBe(join(appRoot(), 'scripts', 'dev-engine-worker.mjs'));
    expect(existsSync(engineWorkerEntry(appRoot()))).toBe(true);
  });
});
