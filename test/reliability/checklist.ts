// For test files that are a checklist (the Electron security settings, the
// web shell's refusals): registers a hook that counts the file's passed and
// failed checks once they have run, and hands the count to the reliability
// report. Imported by test files only.

import { afterAll } from 'vitest';
import { recordReliability } from './reliability.js';

interface TaskLike {
  type: string;
  name: string;
  tasks?: TaskLike[];
  result?: { state: string };
}

function tests(task: TaskLike): TaskLike[] {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(tests);
}

/** Call once at the top of a checklist test file. */
export function countChecklist(suite: string): void {
  // Vitest reads the first parameter as fixtures, so it must be a pattern.
  afterAll(({}, file) => {
    const all = tests(file as unknown as TaskLike);
    const passed = all.filter((t) => t.result?.state === 'pass').length;
    const failed = all.filter((t) => t.result?.state === 'fail').length;
    recordReliability(suite, { passed, failed, checks: all.length });
  });
}
