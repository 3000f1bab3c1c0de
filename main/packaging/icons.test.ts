// The committed icons are what main/packaging/icons.mjs makes from icon.svg
// today: a changed SVG without `npm run icons` fails here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JavaScript build script, without types.
import { ICONS_DIR, makeIcons } from './icons.mjs';

describe('app icons', () => {
  it('are up to date with assets/icons/icon.svg, in every format', async () => {
    const files = (await makeIcons()) as Map<string, Buffer>;
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['png/256x256.png', 'png/512x512.png', 'icon.icns', 'icon.ico']),
    );
    for (const [name, bytes] of files)
      expect(readFileSync(join(ICONS_DIR as string, name)).equals(bytes), name).toBe(true);
  });

  it('renders each PNG at the size its name says', async () => {
    const png = readFileSync(join(ICONS_DIR as string, 'png', '512x512.png'));
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
