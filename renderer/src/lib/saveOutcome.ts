// What the user is told of a file the shell was asked to write (results, the
// grid, the PNG, the sweep, the JAX program, the settings): where it went,
// that the browser downloads it (the web shell answers with a URL, and the
// download is started here), nothing when the dialog was cancelled, or why it
// failed. The lab and the classroom both answer saves through this.

import type { SaveOutcome } from '../../../main/contract';

export interface Message {
  kind: 'info' | 'error';
  text: string;
}

/**
 * The message for a save of `what` (e.g. 'results'); `verb` names the action in the failure ('Could not export the
 * grid: …').
 */
export async function saveMessage(
  outcome: Promise<SaveOutcome>,
  what: string,
  verb: 'export' | 'save',
): Promise<Message | null> {
  try {
    const result = await outcome;
    if (result.status === 'saved') return { kind: 'info', text: `Saved the ${what} to ${result.path}` };
    if (result.status === 'download') {
      download(result.url, result.fileName);
      return { kind: 'info', text: `Saved the ${what} as ${result.fileName} (your downloads folder)` };
    }
    return null;
  } catch (error) {
    return {
      kind: 'error',
      text: `Could not ${verb} the ${what}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
