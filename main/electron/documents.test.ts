import { describe, expect, it } from 'vitest';
import { documentsInArgv, isSettingsPath } from './documents.js';

describe('settings files on a command line', () => {
  it('takes the .vlab.json arguments after the executable, made absolute, and no switch', () => {
    const argv = [
      '/opt/lab/vectorization-lab',
      '.',
      '--inspect=9229',
      '--open=x.vlab.json',
      'week3/Lesson.VLAB.JSON',
      '/tmp/a.vlab.json',
      'notes.json',
    ];
    expect(documentsInArgv(argv, '/home/t')).toEqual(['/home/t/week3/Lesson.VLAB.JSON', '/tmp/a.vlab.json']);
    expect(documentsInArgv(['/x/a.vlab.json'], '/')).toEqual([]);
  });

  it('knows a settings path by its double extension', () => {
    expect(isSettingsPath('a.vlab.json')).toBe(true);
    expect(isSettingsPath('a.json')).toBe(false);
    expect(isSettingsPath('-a.vlab.json')).toBe(false);
  });
});
