import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, settingsToJson } from '../compute/classroom/settings.js';
import { SettingsStore } from './settingsStore.js';
import { LabFailure } from './labError.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function store(dataDir: string): SettingsStore {
  return new SettingsStore(dataDir, {
    toJson: async (settings) => settingsToJson(settings),
    parse: async (text) => {
      try {
        return { settings: parseSettings(text) };
      } catch (error) {
        throw new LabFailure({ kind: 'settings', message: String(error) });
      }
    },
  });
}

describe('the last session’s settings', () => {
  it('are remembered whole and restored, with nothing left beside the file', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'vlab-settings-')), 'not-yet-made');
    dirs.push(dataDir);
    const settings = { ...DEFAULT_SETTINGS, formula: 'x * y', lessonStep: 3 };
    await store(dataDir).remember(settings);
    expect(await readdir(dataDir)).toEqual(['last.vlab.json']);
    expect((await store(dataDir).restore())?.settings).toMatchObject({ formula: 'x * y', lessonStep: 3 });
    expect(JSON.parse(await readFile(join(dataDir, 'last.vlab.json'), 'utf8'))).toMatchObject({ formula: 'x * y' });
  });

  it('restore nothing when there are none, or when the file is not settings', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vlab-settings-'));
    dirs.push(dataDir);
    expect(await store(dataDir).restore()).toBeNull();
    await writeFile(join(dataDir, 'last.vlab.json'), '{"format": "something else"}');
    expect(await store(dataDir).restore()).toBeNull();
  });
});
