// Makes the app's icons from assets/icons/icon.svg, in the formats each OS
// needs: PNGs for Linux (electron-builder reads the sizes from their file
// names), .icns for macOS and .ico for Windows. resvg renders the SVG at each
// size (crisp small icons, not a scaled-down 1024); png2icons packs the
// .icns and .ico. The outputs are committed; run `npm run icons` after
// changing the SVG (main/packaging/icons.test.ts fails when they are stale).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ICONS_DIR = fileURLToPath(new URL('../../assets/icons', import.meta.url));
export const PNG_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];

/** The PNG of the SVG at `size` × `size` pixels. */
export async function renderPng(size) {
  const { Resvg } = await import('@resvg/resvg-js');
  const svg = readFileSync(join(ICONS_DIR, 'icon.svg'));
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng());
}

/** Every icon file, by name relative to assets/icons. */
export async function makeIcons() {
  const png2icons = (await import('png2icons')).default;
  const files = new Map();
  for (const size of PNG_SIZES) files.set(join('png', `${size}x${size}.png`), await renderPng(size));
  const master = files.get(join('png', '1024x1024.png'));
  files.set('icon.icns', png2icons.createICNS(master, png2icons.BICUBIC2, 0));
  files.set('icon.ico', png2icons.createICO(files.get(join('png', '256x256.png')), png2icons.BICUBIC2, 0, false, true));
  files.set('icon.png', files.get(join('png', '512x512.png')));
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await makeIcons();
  mkdirSync(join(ICONS_DIR, 'png'), { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(ICONS_DIR, name), bytes);
  process.stdout.write(`wrote ${[...files.keys()].join(', ')} in assets/icons\n`);
}
