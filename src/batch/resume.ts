// What a journaled batch does with an item an earlier run already touched, by item-state.ts's rerun
// rule: report it, fetch its result again, or re-attach to its job; never send it a second time.
// Reached only through the journal (journal.ts), so a build without a journal (Workers, browsers)
// ships none of it.
import { ConnectionError, SegmindError } from '../errors.js';
import type { Job } from '../jobs/job.js';
import type { BatchPort } from './batch-port.js';
import { why } from './item-error.js';
import { type ItemEvent, type ItemState, onRerun } from './item-state.js';

/** What the batch lends the journal to settle one item. */
export interface ResumeContext<S> {
  via: 'async' | 'sync';
  client: BatchPort;
  /** The item's abort signal. */
  signal: AbortSignal;
  /** Records the request id the item is reported with. */
  setRequestId(id: string | undefined): void;
  ok(value: unknown): S;
  failed(error: unknown): S;
  /** Writes (and flushes) the item's next journal line. */
  record(event: ItemEvent): Promise<void>;
  /** Waits for a submitted job and journals how it ended (`wasFailed`: its failure is journaled already). */
  wait(job: Job, wasFailed: boolean): Promise<S>;
}

/** The item settled from what an earlier run left of it, or `undefined` when it is to be sent. */
export async function resumeItem<S>(past: ItemState, run: ResumeContext<S>): Promise<S | undefined> {
  const plan = onRerun(past, run.via);
  switch (plan.action) {
    case 'send':
      return undefined;
    case 'report-billed': {
      run.setRequestId(plan.id);
      const error = new ConnectionError(
        `batch: an earlier run sent this item and stopped before its answer was recorded${plan.message ? ` (${plan.message})` : ''}; it may have been billed, so it is not sent again${plan.id ? ` (request id ${plan.id})` : ''}`,
        { requestSent: true },
      );
      if (plan.record) await run.record({ e: 'billed', ...why(error) });
      return run.failed(error);
    }
    case 'report-finished':
      run.setRequestId(plan.id);
      return run.failed(
        new SegmindError(
          `batch: this item finished in an earlier run${plan.id ? ` (request id ${plan.id})` : ''}; Segmind does not keep v1 results, so it is neither fetched nor paid for again`,
        ),
      );
    case 'fetch-result':
      run.setRequestId(plan.id);
      return run.ok(await run.client.job(plan.id).result({ signal: run.signal }));
    case 'reattach':
      run.setRequestId(plan.id);
      return run.wait(run.client.job(plan.id), past.state === 'failed');
  }
}
