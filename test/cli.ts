// The vlab CLI run in the test's own process: main() with stdout and stderr
// captured as text, stderr a terminal or not. Test tooling only.

import { main } from '../compute/cli/vlab.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: readonly string[], { tty = false } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
  });
  return { code, stdout, stderr };
}
