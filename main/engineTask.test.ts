import { describe, expect, it } from 'vitest';
import { EngineTask } from './engineTask.js';
import { LabFailure } from './labError.js';

describe('the run engine’s one task at a time', () => {
  it('refuses a second task of any kind while one runs, naming the first, with kind busy', async () => {
    const task = new EngineTask();
    let finish!: () => void;
    const first = task.run('sweep', 'sweep-1', () => new Promise<void>((done) => (finish = done)));
    for (const kind of ['run', 'lesson', 'sweep', 'threads', 'export'] as const) {
      const refused = await task.run(kind, 'other', async () => 'ran').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(LabFailure);
      expect(refused).toMatchObject({
        kind: 'busy',
        message: expect.stringMatching(/a sweep is already in progress \(sweep-1\)/),
      });
    }
    expect(() => task.checkFree()).toThrow(/a sweep is already in progress/);
    finish();
    await first;
    // Free again once it ends, even when it failed.
    await expect(task.run('export', 'grid.csv', async () => Promise.reject(new Error('disk full')))).rejects.toThrow(
      'disk full',
    );
    await expect(task.run('run', 'run-2', async () => 'ran')).resolves.toBe('ran');
    expect(() => task.checkFree()).not.toThrow();
  });

  it('cancels only the task named, and only through a kind that may cancel it', async () => {
    const task = new EngineTask();
    let signal!: AbortSignal;
    const running = task.run('lesson', 'lesson-1', (s) => {
      signal = s;
      return new Promise<void>((done) => s.addEventListener('abort', () => done()));
    });
    expect(task.cancel(['lesson'], 'lesson-2')).toBe(false);
    expect(task.cancel(['run'], 'lesson-1')).toBe(false);
    expect(signal.aborted).toBe(false);
    expect(task.cancel(['lesson', 'sweep', 'threads'], 'lesson-1')).toBe(true);
    await running;
    expect(signal.aborted).toBe(true);
    expect(task.cancel(['lesson'], 'lesson-1')).toBe(false);
  });
});
