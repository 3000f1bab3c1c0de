import { describe, expect, it } from 'vitest';
import { saveMessage } from './saveOutcome';

describe('what a save tells the user', () => {
  it('says where a saved file went', async () => {
    expect(
      await saveMessage(Promise.resolve({ status: 'saved', path: '/home/ada/results.csv' }), 'results', 'export'),
    ).toEqual({
      kind: 'info',
      text: 'Saved the results to /home/ada/results.csv',
    });
  });

  it('says nothing when the dialog was cancelled', async () => {
    expect(await saveMessage(Promise.resolve({ status: 'cancelled' }), 'grid', 'export')).toBeNull();
  });

  it('says why it failed, with the action named', async () => {
    const refused = Promise.reject(new Error('EACCES: permission denied, open /results.csv'));
    expect(await saveMessage(refused, 'results', 'export')).toEqual({
      kind: 'error',
      text: 'Could not export the results: EACCES: permission denied, open /results.csv',
    });
    expect((await saveMessage(Promise.reject(new Error('disk full')), 'settings', 'save'))?.text).toBe(
      'Could not save the settings: disk full',
    );
  });
});
