import { BatchError, isSegmindError, SegmindError, UserAbortError } from '../errors.js';
import type { SendHooks } from '../http/core.js';
import { billingOutcome } from '../http/retry.js';
import type { Job } from '../jobs/job.js';
import {
  checkCount,
  checkDuration,
  checkFunction,
  checkOptionsObject,
  checkSignal,
} from '../options/checks.js';
import { clock } from '../util/clock.js';
import { describeValue } from '../util/describe-value.js';
import type { BatchPort } from './batch-port.js';
import type { Batch, BatchItem, BatchOptions, BatchProgress } from './batch-types.js';
import { ItemAbort } from './item-abort.js';
import { asSegmindError, why } from './item-error.js';
import type { ItemEvent } from './item-state.js';
import type { ItemKey, Journal } from './journal.js';

const OPTION_NAMES = ['via', 'concurrency', 'journal', 'signal', 'onProgress', 'waitTimeout'] as const;
const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 10_000;

interface Settings {
  via: 'async' | 'sync';
  concurrency: number;
  journal: string | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((progress: BatchProgress) => void) | undefined;
  waitTimeout: number | undefined;
}

/**
 * Checks a batch's options and builds it; nothing is sent until it is iterated. Above the client:
 * it reaches it only through the {@link BatchPort}.
 */
export function createBatch<P, V>(
  client: BatchPort,
  model: string,
  params: Iterable<P> | AsyncIterable<P>,
  options: BatchOptions = {},
): Batch<P, V> {
  const o = checkOptionsObject('batch options', options, OPTION_NAMES) as BatchOptions;
  const via = o.via ?? 'async';
  if (via !== 'async' && via !== 'sync') {
    throw new SegmindError(`batch: via must be 'async' or 'sync', got ${describeValue(via)}`);
  }
  if (o.journal !== undefined && (typeof o.journal !== 'string' || o.journal === '')) {
    throw new SegmindError(`batch: journal must be a file path, got ${describeValue(o.journal)}`);
  }
  const settings: Settings = {
    via,
    concurrency: checkCount('batch: concurrency', o.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
    journal: o.journal,
    signal: checkSignal('batch: signal', o.signal),
    onProgress: checkFunction('batch: onProgress', o.onProgress),
    waitTimeout: o.waitTimeout === undefined ? undefined : checkDuration('batch: waitTimeout', o.waitTimeout),
  };
  const iterable = params as Partial<Iterable<P> & AsyncIterable<P>> | null;
  if (
    iterable === null ||
    typeof iterable !== 'object' ||
    (typeof iterable[Symbol.iterator] !== 'function' && typeof iterable[Symbol.asyncIterator] !== 'function')
  ) {
    throw new SegmindError(
      `batch: params must be an array, an iterable or an async iterable of parameter objects, got ${describeValue(params)}`,
    );
  }
  return new BatchRun<P, V>(client, model, params, settings);
}

type Settled<P, V> = BatchItem<P, V>;
type Step<P> = { value: P } | { done: true } | { error: unknown } | { stopped: true };

class BatchRun<P, V> implements Batch<P, V> {
  readonly #client: BatchPort;
  readonly #model: string;
  readonly #input: Iterable<P> | AsyncIterable<P>;
  readonly #settings: Settings;
  readonly #total: number | undefined;
  #consumed = false;

  // Running state.
  #stopped = false;
  #stopReason: unknown;
  // Settles the pull under way, if any, when the batch stops.
  #abandonPull: (() => void) | undefined;
  #started = 0;
  #running = 0;
  #succeeded = 0;
  #failed = 0;
  #startedAt = 0;
  readonly #items = new Set<ItemAbort>();
  // Finished items not yet taken by the consumer: at most `concurrency` (back-pressure).
  readonly #ready: Settled<P, V>[] = [];
  #wakeConsumer: (() => void) | undefined;
  #wakeScheduler: (() => void) | undefined;
  #finished = false;
  #inputFailed = false;
  #inputError: unknown;

  constructor(client: BatchPort, model: string, input: Iterable<P> | AsyncIterable<P>, settings: Settings) {
    this.#client = client;
    this.#model = model;
    this.#input = input;
    this.#settings = settings;
    this.#total = Array.isArray(input) ? input.length : undefined;
  }

  async all(): Promise<Settled<P, V>[]> {
    const items: Settled<P, V>[] = [];
    try {
      for await (const item of this.#consume('all()')) items.push(item);
    } catch (err) {
      if (this.#inputFailed && err === this.#inputError) {
        const what = err instanceof Error ? err.message : describeValue(err);
        throw new BatchError(
          `batch: the input threw (${what}) after ${items.length} item${items.length === 1 ? '' : 's'} settled; they are in this error's results`,
          byIndex(items),
          { cause: err },
        );
      }
      throw err;
    }
    return byIndex(items);
  }

  [Symbol.asyncIterator](): AsyncIterator<Settled<P, V>> {
    return this.#consume('for await')[Symbol.asyncIterator]();
  }

  async *#consume(how: string): AsyncGenerator<Settled<P, V>> {
    if (this.#consumed) {
      throw new SegmindError(
        `A batch is consumed once (by for await or by all(), not both); ${how} came second`,
      );
    }
    this.#consumed = true;
    let journal: Journal | undefined;
    if (this.#settings.journal !== undefined) {
      let module: typeof import('./journal.js');
      try {
        module = await import('./journal.js');
      } catch (err) {
        throw new SegmindError(
          'batch: journal needs a file system (Node.js, Bun or Deno); this runtime has none',
          { cause: err },
        );
      }
      journal = await module.Journal.open(
        this.#settings.journal,
        this.#model,
        this.#settings.via,
        this.#client.log,
      );
    }
    // One listener per batch on the caller's signal, however many items: each item has its own.
    const signal = this.#settings.signal;
    const onAbort = () => this.#stop(signal?.reason);
    this.#startedAt = clock.now();
    if (signal?.aborted) this.#stop(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const work = this.#schedule(journal).finally(() => {
      this.#finished = true;
      this.#wakeConsumer?.();
    });
    try {
      this.#progress();
      for (;;) {
        const item = this.#ready.shift();
        if (item) {
          this.#wakeScheduler?.();
          yield item;
          continue;
        }
        if (this.#finished) break;
        await new Promise<void>((resolve) => {
          this.#wakeConsumer = resolve;
        });
        this.#wakeConsumer = undefined;
      }
      await work;
      if (this.#inputFailed) throw this.#inputError;
    } finally {
      // The loop ended early (break, a throw in the loop's body): stop submitting, like an abort,
      // and let the items in flight settle (their journal lines written) before letting go.
      signal?.removeEventListener('abort', onAbort);
      if (!this.#finished) this.#stop(new SegmindError('the batch iteration ended early'));
      await work.catch(() => {});
      await journal?.close();
    }
  }

  #stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopReason = reason;
    this.#abandonPull?.();
    this.#wakeScheduler?.();
    for (const item of this.#items) item.stop(reason);
  }

  // Starts items while fewer than `concurrency` are in flight and fewer than `concurrency` finished
  // ones wait for the consumer; pulls the input only then, one item at a time.
  async #schedule(journal: Journal | undefined): Promise<void> {
    const source = this.#input;
    const iterator: Iterator<P> | AsyncIterator<P> =
      typeof (source as AsyncIterable<P>)[Symbol.asyncIterator] === 'function'
        ? (source as AsyncIterable<P>)[Symbol.asyncIterator]()
        : (source as Iterable<P>)[Symbol.iterator]();
    const limit = this.#settings.concurrency;
    const inFlight = new Set<Promise<void>>();
    let ended = false; // the input said done, or threw: nothing to close
    let abandoned = false; // a pull was left pending when the batch stopped
    try {
      for (;;) {
        while (!this.#stopped && (inFlight.size >= limit || this.#ready.length >= limit)) {
          await new Promise<void>((resolve) => {
            this.#wakeScheduler = resolve;
          });
          this.#wakeScheduler = undefined;
        }
        if (this.#stopped) break;
        const step = await this.#pull(iterator);
        if ('stopped' in step) {
          abandoned = true;
          break;
        }
        if ('error' in step) {
          ended = true;
          this.#inputFailed = true;
          this.#inputError = step.error;
          break;
        }
        if ('done' in step) {
          ended = true;
          break;
        }
        const index = this.#started;
        let key: ItemKey | { error: unknown } | undefined;
        if (journal) {
          try {
            key = await journal.identify(step.value);
          } catch (err) {
            key = { error: err };
          }
        }
        if (this.#stopped) break;
        this.#started++;
        this.#running++;
        this.#progress();
        const abort = new ItemAbort();
        this.#items.add(abort);
        const run = this.#runItem({ index, params: step.value }, abort, journal, key).then((item) => {
          this.#items.delete(abort);
          inFlight.delete(run);
          this.#running--;
          if (item.ok) this.#succeeded++;
          else this.#failed++;
          this.#ready.push(item);
          this.#wakeConsumer?.();
          this.#wakeScheduler?.();
          this.#progress();
        });
        inFlight.add(run);
      }
    } finally {
      if (!ended) {
        // Tell the input we are done with it; an async generator still busy with a pull we left
        // behind runs this after that pull, so it is not waited for.
        const closing = Promise.resolve()
          .then(() => iterator.return?.())
          .catch(() => {});
        if (!abandoned) await closing;
      }
      await Promise.all(inFlight);
    }
  }

  // The next input item, unless the batch stops first (an input may take its time, or forever).
  async #pull(iterator: Iterator<P> | AsyncIterator<P>): Promise<Step<P>> {
    const next = (async (): Promise<Step<P>> => {
      try {
        const step = await iterator.next();
        return step.done ? { done: true } : { value: step.value };
      } catch (error) {
        return { error };
      }
    })();
    // Not Promise.race with a promise that lives as long as the batch: each race would leave a
    // reaction on it, and an endless input would grow memory by one per item.
    try {
      return await new Promise<Step<P>>((resolve) => {
        this.#abandonPull = () => resolve({ stopped: true });
        void next.then(resolve);
      });
    } finally {
      this.#abandonPull = undefined;
    }
  }

  async #runItem(
    input: { index: number; params: P },
    abort: ItemAbort,
    journal: Journal | undefined,
    key: ItemKey | { error: unknown } | undefined,
  ): Promise<Settled<P, V>> {
    if (this.#stopped) abort.stop(this.#stopReason);
    const { signal } = abort;
    const item = { requestId: undefined as string | undefined };
    const ok = (value: unknown): Settled<P, V> => ({
      index: input.index,
      params: input.params,
      requestId: item.requestId,
      ok: true,
      value: value as V,
    });
    const failed = (error: unknown): Settled<P, V> => ({
      index: input.index,
      params: input.params,
      requestId: item.requestId,
      ok: false,
      error: asSegmindError(error),
    });
    try {
      if (key && 'error' in key) throw key.error;
      const record = (event: ItemEvent): Promise<void> =>
        journal && key ? journal.record(key, input.index, event) : Promise.resolve();
      if (journal && key) {
        // An item an earlier run touched is settled by the journal's rerun rule, or sent.
        const resumed = await journal.resume(key, {
          via: this.#settings.via,
          client: this.#client,
          signal,
          setRequestId: (id) => {
            item.requestId = id;
          },
          ok,
          failed,
          record,
          wait: (job, wasFailed) => this.#wait(job, signal, record, wasFailed, ok, failed),
        });
        if (resumed) return resumed;
      }
      return await this.#send(input.params, abort, record, item, ok, failed);
    } catch (err) {
      return failed(err);
    }
  }

  // A fresh send, journaled per attempt: "sending" (flushed) right before each attempt leaves,
  // "not-billed" (flushed) as soon as an answer proves nothing was billed, before any retry wait.
  async #send(
    params: P,
    abort: ItemAbort,
    record: (event: ItemEvent) => Promise<void>,
    item: { requestId: string | undefined },
    ok: (value: unknown) => Settled<P, V>,
    failed: (error: unknown) => Settled<P, V>,
  ): Promise<Settled<P, V>> {
    const { signal } = abort;
    const async = this.#settings.via === 'async';
    let last: 'sending' | 'not-billed' | undefined;
    let job: Job;
    const hooks: SendHooks = {
      beforeSend: async () => {
        await record({ e: 'sending' });
        last = 'sending';
        if (signal.aborted) {
          // Stopped while the line was written: nothing left, and the journal says so.
          await record({ e: 'not-billed', error: 'UserAbortError', message: 'aborted before sending' });
          last = 'not-billed';
          throw new UserAbortError(signal.reason);
        }
        if (async) abort.wireStart();
      },
      notBilled: async (error) => {
        abort.wireEnd();
        await record({ e: 'not-billed', ...why(error) });
        last = 'not-billed';
      },
    };
    try {
      if (!async) {
        const value = await this.#client.runSync(this.#model, params, { signal, hooks });
        const id = (value as { requestId?: unknown } | undefined)?.requestId;
        item.requestId = typeof id === 'string' && id !== '' ? id : undefined;
        await record({ e: 'finished', id: item.requestId });
        return ok(value);
      }
      try {
        job = await this.#client.submitAsync(this.#model, params, { signal, hooks });
      } finally {
        abort.wireEnd();
      }
      item.requestId = job.requestId;
      await record({ e: 'submitted', id: job.requestId });
    } catch (err) {
      // What the failure says about billing, by the one billing predicate.
      const outcome = billingOutcome(err);
      const id = isSegmindError(err) ? (err as { requestId?: unknown }).requestId : undefined;
      if (typeof id === 'string' && id !== '' && item.requestId === undefined) item.requestId = id;
      if (outcome === 'may-have-been-billed') {
        await record({ e: 'billed', id: item.requestId, ...why(err) });
      } else if (outcome === 'not-billed') {
        if (last === 'sending') await record({ e: 'not-billed', ...why(err) });
      } else if (last === 'sending' && !(err instanceof UserAbortError)) {
        // Sent, then an error that proves nothing either way.
        await record({ e: 'billed', id: item.requestId, ...why(err) });
      }
      // An abort after "sending" leaves it the last word: the next run reports the item.
      return failed(err);
    }
    return this.#wait(job, signal, record, false, ok, failed);
  }

  // Waits for a submitted job and journals how it ended.
  async #wait(
    job: Job,
    signal: AbortSignal,
    record: (event: ItemEvent) => Promise<void>,
    wasFailed: boolean,
    ok: (value: unknown) => Settled<P, V>,
    failed: (error: unknown) => Settled<P, V>,
  ): Promise<Settled<P, V>> {
    let value: unknown;
    try {
      value = await job.wait({ timeout: this.#settings.waitTimeout, signal });
    } catch (err) {
      // An abort leaves "submitted" the last word: the next run re-attaches. A failure already
      // journaled by an earlier run is not written again.
      if (!(err instanceof UserAbortError) && !wasFailed) {
        await record({ e: 'failed', id: job.requestId, ...why(err) });
      }
      return failed(err);
    }
    await record({ e: 'finished', id: job.requestId });
    return ok(value);
  }

  #progress(): void {
    const onProgress = this.#settings.onProgress;
    if (!onProgress) return;
    const progress: BatchProgress = {
      queued: this.#total === undefined ? 0 : Math.max(0, this.#total - this.#started),
      running: this.#running,
      succeeded: this.#succeeded,
      failed: this.#failed,
      elapsed: clock.now() - this.#startedAt,
    };
    if (this.#total !== undefined) progress.total = this.#total;
    try {
      onProgress(progress);
    } catch {
      // A progress callback's failure must not stop the batch.
    }
  }
}

function byIndex<T extends { index: number }>(items: T[]): T[] {
  return items.sort((a, b) => a.index - b.index);
}
