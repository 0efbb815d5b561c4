import { UserAbortError } from '../../errors.js';
import type { Job } from '../../jobs/job.js';
import type { Context } from '../context.js';
import { followJob, savedLines } from '../follow-job.js';
import { commandHelp } from '../help.js';
import { formatDuration } from '../terminal.js';
import { Interrupted } from '../usage.js';
import { prepare } from './single-image.js';

/** `segmind run <model> [prompt]`: a v2 job, waited for, its image saved. */
export async function run(args: string[], ctx: Context): Promise<number> {
  const prepared = await prepare('run', args, ctx);
  if (prepared.kind === 'help') return ctx.help(commandHelp('run', prepared.model));
  const { model, params, timeout, output, write, resume, client } = prepared;
  const { term, signal, started, clock } = ctx;
  let job: Job;
  const line = term.liveLine(
    (frame) => `${term.paint('cyan', frame)} ${model} submitting ${formatDuration(clock.now() - started)}`,
  );
  try {
    job = await client.submitAsync(model, params as never, { signal });
  } catch (err) {
    if (err instanceof UserAbortError && signal.aborted) {
      throw new Interrupted(
        'interrupted while submitting; the job may have been queued (no request id came back)',
        [],
        [],
      );
    }
    throw err;
  } finally {
    line.stop();
  }
  term.emit({ event: 'submitted', model, requestId: job.requestId });
  const { result, files } = await followJob(job, {
    client,
    term,
    signal,
    clock,
    output,
    resume,
    write,
    timeout,
    started,
    model,
  });
  const elapsed = clock.now() - started;
  term.emit({ event: 'result', model, requestId: job.requestId, files, metrics: result.metrics, elapsed });
  for (const l of savedLines(term, files, elapsed, `  ${term.paint('dim', job.requestId)}`)) term.say(l);
  if (!files.length) term.say(JSON.stringify(result.output));
  return 0;
}
