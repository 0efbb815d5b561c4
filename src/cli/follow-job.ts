import type { SegmindClient } from '../client.js';
import { UserAbortError } from '../errors.js';
import type { Job } from '../jobs/job.js';
import type { JobResult } from '../jobs/job-types.js';
import { readOutput } from '../results/read-output.js';
import type { Clock } from '../util/clock.js';
import { type OutputPlan, pathIn } from './output-path.js';
import { type SavedFile, saveOutput, type WriteOptions } from './save-output.js';
import { formatBytes, formatDuration, type Terminal } from './terminal.js';
import { Interrupted } from './usage.js';

/** What following a job needs. */
export interface FollowOptions {
  client: SegmindClient;
  term: Terminal;
  signal: AbortSignal;
  clock: Clock;
  /** Where the image goes (checked before the job was submitted). */
  output: OutputPlan;
  /** `-o` as given, for the resume command. */
  resume: string | undefined;
  write: WriteOptions;
  /** Deadline of the wait, ms. */
  timeout?: number | undefined;
  /** When the command started (for elapsed times). */
  started: number;
  /** The model, for the status line and the default file name. */
  model: string | undefined;
}

/** Colours of the job states on the live line. */
export const STATE_STYLE = {
  QUEUED: 'yellow',
  PROCESSING: 'cyan',
  COMPLETED: 'green',
  FAILED: 'red',
} as const;

/** The name a job's image gets without `-o`: `fast-flux-schnell-2c7f8a1b`. */
export const defaultName = (model: string | undefined, requestId: string) =>
  `${model ?? 'segmind'}-${requestId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8)}`;

/**
 * Waits for a job with a live status line (QUEUED → PROCESSING → done, elapsed time), then saves its
 * output. Ctrl-C becomes {@link Interrupted}, naming the job so `segmind job <id> --wait` resumes it.
 */
export async function followJob(
  job: Job,
  o: FollowOptions,
): Promise<{ result: JobResult; files: SavedFile[] }> {
  const { term, signal } = o;
  let state = 'QUEUED';
  const line = term.liveLine(
    (frame) =>
      `${term.paint('cyan', frame)} ${o.model ?? 'job'} ${term.paint(
        STATE_STYLE[state as keyof typeof STATE_STYLE] ?? 'white',
        state,
      )} ${formatDuration(o.clock.now() - o.started)} ${term.paint('dim', job.requestId)}`,
  );
  try {
    const result = await job.wait({
      signal,
      ...(o.timeout ? { timeout: o.timeout } : {}),
      onStatus: (s) => {
        state = s.status;
        term.emit({
          event: 'status',
          requestId: job.requestId,
          status: s.status,
          elapsed: o.clock.now() - o.started,
        });
        line.refresh();
      },
    });
    state = 'downloading';
    line.refresh();
    const path = pathIn(o.output, defaultName(o.model ?? job.model, job.requestId));
    const files = await saveOutput(o.client, readOutput(result.output), path, o.write, signal);
    line.stop();
    return { result, files };
  } catch (err) {
    line.stop();
    if (err instanceof UserAbortError && signal.aborted) {
      const resume = `segmind job ${job.requestId} --wait${o.resume ? ` -o ${o.resume}` : ''}`;
      if (state === 'downloading') {
        throw new Interrupted(
          `interrupted while downloading; job ${job.requestId} is done (Segmind keeps it an hour)`,
          [],
          [resume],
        );
      }
      throw new Interrupted(
        `interrupted; job ${job.requestId} is still running on Segmind (kept for an hour)`,
        [job.requestId],
        [resume],
      );
    }
    throw err;
  }
}

/** The human summary of saved files: `✔ fox.png  84 KB  2.4s`. */
export function savedLines(term: Terminal, files: SavedFile[], elapsed: number, extra = ''): string[] {
  return files.map(
    (f) =>
      `${term.paint('green', '✔')} ${term.paint('bold', f.path)}  ${formatBytes(f.size)}  ${formatDuration(elapsed)}${extra}`,
  );
}
