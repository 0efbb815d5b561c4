import type { Context } from '../context.js';
import { followJob, savedLines } from '../follow-job.js';
import { commandHelp } from '../help.js';
import { planOutput } from '../output-path.js';
import { COMMON_OPTIONS, parseCommand, parseDuration, UsageError } from '../usage.js';

/** `segmind job <id> [--wait] [-o file]`: a job's status, or wait for it and save its image. */
export async function job(args: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...COMMON_OPTIONS,
    wait: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (values.help) return ctx.help(commandHelp('job'));
  const [id, ...rest] = positionals;
  if (!id) throw new UsageError('which job? segmind job <request-id> [--wait] [-o file]');
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const timeout = values.timeout === undefined ? undefined : parseDuration('timeout', values.timeout);
  const force = values.force === true;
  const wait = values.wait === true || values.output !== undefined;
  // Checked before the first request: a download that cannot be written is a wasted one.
  const output = wait ? planOutput(values.output, ctx.cwd, force) : undefined;
  const client = await ctx.connect(values);
  let handle: ReturnType<typeof client.job>;
  try {
    handle = client.job(id);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { term, signal, started, clock } = ctx;

  if (!output) {
    const status = await handle.status({ signal });
    term.emit({ event: 'status', requestId: handle.requestId, ...status });
    const color = status.status === 'FAILED' ? 'red' : status.status === 'COMPLETED' ? 'green' : 'yellow';
    term.say(
      `${handle.requestId}  ${term.paint(color, status.status)}${status.error ? `  ${status.error}` : ''}`,
    );
    if (status.status === 'FAILED') return 1;
    return 0;
  }
  const { result, files } = await followJob(handle, {
    client,
    term,
    signal,
    clock,
    output,
    resume: values.output,
    write: ctx.writeOptions(force),
    timeout,
    started,
    model: undefined,
  });
  const elapsed = clock.now() - started;
  term.emit({ event: 'result', requestId: handle.requestId, files, metrics: result.metrics, elapsed });
  for (const l of savedLines(term, files, elapsed, `  ${term.paint('dim', handle.requestId)}`)) term.say(l);
  if (!files.length) term.say(JSON.stringify(result.output));
  return 0;
}
