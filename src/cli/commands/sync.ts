import type { SegmindClient } from '../../client.js';
import { UserAbortError } from '../../errors.js';
import { ImageResult } from '../../results/image-result.js';
import type { Context } from '../context.js';
import { savedLines } from '../follow-job.js';
import { commandHelp } from '../help.js';
import { pathIn } from '../output-path.js';
import { writeImage } from '../save-output.js';
import { formatDuration } from '../terminal.js';
import { Interrupted } from '../usage.js';
import { prepare } from './single-image.js';

/** `segmind sync <model> [prompt]`: one v1 call, its image saved. */
export async function sync(args: string[], ctx: Context): Promise<number> {
  const prepared = await prepare('sync', args, ctx);
  if (prepared.kind === 'help') return ctx.help(commandHelp('sync', prepared.model));
  const { model, params, timeout, output, write, client } = prepared;
  const { term, signal, started, clock } = ctx;
  const line = term.liveLine(
    (frame) => `${term.paint('cyan', frame)} ${model} generating ${formatDuration(clock.now() - started)}`,
  );
  let answer: Awaited<ReturnType<SegmindClient['runSync']>>;
  try {
    answer = await client.runSync(model, params as never, { signal, ...(timeout ? { timeout } : {}) });
  } catch (err) {
    if (err instanceof UserAbortError && signal.aborted) {
      throw new Interrupted(
        'interrupted; the v1 call may still finish and be billed (it has no request id to resume)',
        [],
        [],
      );
    }
    throw err;
  } finally {
    line.stop();
  }
  const elapsed = clock.now() - started;
  if (!(answer instanceof ImageResult)) {
    term.emit({ event: 'result', model, output: answer, elapsed });
    term.say(JSON.stringify(answer));
    return 0;
  }
  const image = answer;
  const name = `${model}-${image.requestId?.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8) || clock.now()}`;
  const file = await writeImage(pathIn(output, name), image.data, image.contentType, write);
  const credits = image.remainingCredits;
  term.emit({
    event: 'result',
    model,
    requestId: image.requestId,
    files: [file],
    remainingCredits: credits,
    cost: image.cost,
    seed: image.seed,
    elapsed,
  });
  const extra = credits === undefined ? '' : `  ${credits} credits left`;
  for (const l of savedLines(term, [file], elapsed, extra)) term.say(l);
  return 0;
}
