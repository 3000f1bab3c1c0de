// vlab: the engine from the terminal. `run` measures strategies on one grid,
// `bench` over several sizes with ratios against yardsticks measured in the
// same run, `sweep` runs the classroom's log-spaced sweep, `machine` measures
// this machine (caches, bandwidth, peak FMA, cos) once and keeps it, `devices` lists
// what the engine sees, `trace` prints f as each strategy traces it and the
// kernel it lowers to, `jax` writes the same experiment as a JAX program to
// run beside the lab. A thin shell: all work is in compute/.
//
// This module is the dispatcher: the command line to a command's handler
// (commands/), its outcome to an exit code. A well-behaved Unix tool:
// results go to stdout, status lines and progress to stderr (session.ts);
// `vlab help` and `vlab COMMAND --help` print usage (commandTable.ts) and
// exit 0; a bad argument gives one line on stderr and exit code 2
// (errors.ts). main() takes its streams as arguments so tests need not care
// how the binary is launched.

import { parseArgs } from 'node:util';
import { appVersion } from '../report/machine.js';
import { type Values, commandLine, withJsonDefault, withSignedValues } from './args.js';
import {
  type CommandName,
  type CommandSpec,
  COMMANDS,
  HELP,
  OUTPUT_OPTIONS,
  commandHelp,
  isCommand,
} from './commandTable.js';
import { commandBench } from './commands/bench.js';
import { commandDevices } from './commands/devices.js';
import { commandJax } from './commands/jax.js';
import { commandMachine } from './commands/machine.js';
import { commandRun } from './commands/run.js';
import { commandSweep } from './commands/sweep.js';
import { commandTrace } from './commands/trace.js';
import { errorLine } from './errors.js';
import { type CliIo, Session } from './session.js';

export type { CliIo } from './session.js';

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** What runs a command: its parsed options and the command line as typed (for the JSON's `command`). */
type Handler = (session: Session, values: Values, command: string) => Promise<void> | void;

const HANDLERS: Record<CommandName, Handler> = {
  run: commandRun,
  bench: commandBench,
  sweep: commandSweep,
  machine: commandMachine,
  devices: commandDevices,
  trace: commandTrace,
  jax: commandJax,
};

/**
 * Runs one vlab command line; resolves to its exit code. With the default
 * streams it also sets process.exitCode, so a launcher that only awaits it
 * exits with the right code.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const code = await dispatch(argv, io);
  if (io === processIo) process.exitCode = code;
  return code;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) {
      io.stderr.write(`vlab: no command '${topic}' (try: vlab help)\n`);
      return 2;
    }
    io.stdout.write(topic ? commandHelp(topic) : HELP);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    io.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  if (!isCommand(command)) {
    io.stderr.write(`vlab: unknown command '${command}' (try: vlab help)\n`);
    return 2;
  }
  const spec: CommandSpec = COMMANDS[command];
  // Help wins over everything else on the line, as in git and cargo.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const { values } = parseArgs({
      args: spec.outputs ? withJsonDefault(withSignedValues(rest)) : withSignedValues(rest),
      strict: true,
      allowPositionals: false,
      options: { ...spec.options, ...(spec.outputs ? OUTPUT_OPTIONS : {}) },
    });
    const session = new Session(io, controller.signal, values.quiet === true, values.progress === true);
    await HANDLERS[command](session, values as Values, commandLine(command, rest));
    return 0;
  } catch (error) {
    const failure = errorLine(error);
    if (!failure) throw error;
    const hint =
      failure.code === 2 && /^Unknown option|^Option '/.test(failure.line) ? ` (see vlab ${command} --help)` : '';
    io.stderr.write(`vlab: ${failure.line}${hint}\n`);
    return failure.code;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
