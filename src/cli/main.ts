import type { SegmindClient } from '../client.js';
import { isSegmindError, ValidationError } from '../errors.js';
import { VERSION } from '../version.js';
import { connect } from './connect.js';
import type { Context } from './context.js';
import { commandHelp } from './help.js';
import type { CliIO } from './io.js';
import { mismatchMessage } from './save-output.js';
import { createTerminal, type Terminal } from './terminal.js';
import { EXIT, Interrupted, UsageError } from './usage.js';

type Command = (args: string[], ctx: Context) => Promise<number>;

// Each command is loaded only when it runs.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).run,
  sync: async () => (await import('./commands/sync.js')).sync,
  job: async () => (await import('./commands/job.js')).job,
  models: async () => (await import('./commands/models.js')).models,
  batch: async () => (await import('./commands/batch.js')).batch,
};

/**
 * Runs the bin with `argv` (without `node` and the script) against `io`, and returns the exit code.
 * Everything outside the arguments comes from `io`, so tests run it in process.
 * @example
 * const code = await main(['models', '--json'], io);
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const term = createTerminal(argv.includes('--json'), io);
  // Flags may come before the command (`segmind --json run …`).
  const at = argv[0]?.startsWith('-') ? argv.findIndex((a) => Object.hasOwn(COMMANDS, a)) : 0;
  const name = argv[at === -1 ? 0 : at];
  const args = at === -1 ? argv.slice(1) : [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === 'help' && args[0] && Object.hasOwn(COMMANDS, args[0])) {
    io.stdout.write(commandHelp(args[0] as 'run'));
    return EXIT.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(commandHelp('main'));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    return fail(term, new UsageError(`unknown command ${JSON.stringify(name)}; try segmind --help`), io.env);
  }
  const clients: SegmindClient[] = [];
  const sdkLine = (message: string) => term.note(message);
  const ctx: Context = {
    term,
    signal: io.signal,
    clock: io.clock,
    started: io.clock.now(),
    stdin: io.stdin,
    env: io.env,
    cwd: io.cwd,
    help: (text) => {
      io.stdout.write(text);
      return EXIT.ok;
    },
    connect: async (flags, extra = {}) => {
      const logger = { error: sdkLine, warn: sdkLine, info: sdkLine, debug: sdkLine };
      const client = await connect(flags, extra, { env: io.env, cwd: io.cwd, logger });
      clients.push(client);
      return client;
    },
    warn: (message, fields = {}) => {
      term.emit({ event: 'warning', ...fields, message });
      term.note(`${term.paint('yellow', 'warning')}: ${message}`);
    },
    writeOptions: (force) => ({
      cwd: io.cwd,
      force,
      warn: (warning) => ctx.warn(mismatchMessage(warning), { ...warning }),
    }),
  };
  try {
    return await (await load())(args, ctx);
  } catch (err) {
    return fail(term, err, io.env, name);
  } finally {
    // Sockets released now: an in-process caller (a test) keeps running after the command.
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

/** Reports an error on stderr (and as a JSON line in JSON mode) and picks the exit code. */
export function fail(
  term: Terminal,
  err: unknown,
  env: Readonly<Record<string, string | undefined>>,
  command?: string,
): number {
  if (err instanceof Interrupted) {
    term.emit({ event: 'interrupted', message: err.message, running: err.running, resume: err.hints });
    term.note(`${term.paint('yellow', 'interrupted')}: ${err.message.replace(/^interrupted;?\s*/, '')}`);
    if (err.running.length) term.note(`still running: ${err.running.join(' ')}`);
    for (const hint of err.hints) term.note(`resume with: ${hint}`);
    return EXIT.interrupted;
  }
  const usage = err instanceof UsageError || err instanceof ValidationError;
  const code = usage ? EXIT.usage : EXIT.failed;
  const e = err as Error & { requestId?: string; status?: number };
  const message = e?.message ?? String(err);
  const requestId = typeof e?.requestId === 'string' ? e.requestId : undefined;
  term.emit({
    event: 'error',
    error: {
      name: isSegmindError(err) || usage ? e.name : 'Error',
      message,
      ...(requestId ? { requestId } : {}),
      ...(typeof e?.status === 'number' ? { status: e.status } : {}),
    },
    exitCode: code,
  });
  const label = usage ? 'segmind' : `segmind: ${e?.name ?? 'Error'}`;
  const idNote = requestId && !message.includes(requestId) ? ` (request ${requestId})` : '';
  const [first, ...more] = `${message}${idNote}`.split('\n');
  term.note(`${term.paint('red', label)}: ${first}`);
  for (const l of more) term.note(`  ${l}`);
  if (usage) term.note(term.paint('dim', `see segmind ${command ? `${command} ` : ''}--help`));
  // The wait gave up, not the job: it may still finish, and the id picks it up.
  if (e?.name === 'InferenceTimeoutError' && requestId) {
    term.note(`the job may still finish; resume with: segmind job ${requestId} --wait`);
  }
  // An error the SDK did not expect is a bug: its stack helps the report.
  if (!isSegmindError(err) && !usage && env.SEGMIND_DEBUG) term.note(String(e?.stack));
  return code;
}
