import { describe, expect, it } from 'vitest';
import { GUIDE, shortcutLabel } from './guide';

describe('the bundled guide', () => {
  it('is the guide format, with titled sections that each say something', () => {
    expect(GUIDE).toMatchObject({ format: 'vlab-guide', version: 1 });
    expect(GUIDE.sections.length).toBeGreaterThan(4);
    const ids = GUIDE.sections.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const section of GUIDE.sections) {
      expect(section.title, section.id).toBeTruthy();
      expect((section.paragraphs?.length ?? 0) + (section.items?.length ?? 0), section.id).toBeGreaterThan(0);
    }
  });

  it('links nowhere: plain text, no address or markup to follow', () => {
    const text = JSON.stringify(GUIDE);
    expect(text).not.toMatch(/https?:|www\.|<[a-z]/i);
  });

  it('writes shortcuts the way the platform does', () => {
    expect(shortcutLabel('CmdOrCtrl+Shift+P', true)).toBe('⌘+Shift+P');
    expect(shortcutLabel('CmdOrCtrl+Shift+P', false)).toBe('Ctrl+Shift+P');
    expect(shortcutLabel('CmdOrCtrl+Alt+S', true)).toBe('⌘+⌥+S');
    expect(shortcutLabel('F1', false)).toBe('F1');
  });
});
