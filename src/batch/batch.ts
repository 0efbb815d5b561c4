import { APIError, ConnectionError, isSegmindError, SegmindError, UserAbortError } from '../errors.js';
import type { SendHooks } from '../http/core.js';
import type { Job } from '../jobs/job.js';
import { checkDuration } from '../options/checks.js';
import { clock } from '../util/clock.js';
import type { BatchPort } from './batch-port.js';
import type { Batch, BatchItem, BatchOptions, BatchProgress } from './batch-types.js';
import type { Journal, PastState } from './journal.js';

interface Input<P> {
  index: number;
  params: P;
}

type BatchLog = BatchPort['log'];

const DEFAULT_CONCURRENCY = 4;

/**
 * Checks a batch's options and builds it; nothing is sent until it is iterated. Above the client:
 * it only uses the client's public methods (`submitAsync`, `job`, `runSync`).
 */
export function createBatch<P, V>(
  client: BatchPort,
  model: string,
  params: Iterable<P> | AsyncIterable<P>,
  options: BatchOptions = {},
): Batch<P, V> {
  if (typeof options !== 'object' || options === null)
    throw new SegmindError('batch options must be an object');
  const via = options.via ?? 'async';
  if (via !== 'async' && via !== 'sync') {
    throw new SegmindError(`batch: via must be 'async' or 'sync', got ${JSON.stringify(via)}`);
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
    throw new SegmindError(
      `batch: concurrency must be a whole number from 1 to 10000, got ${String(concurrency)}`,
    );
  }
  if (options.waitTimeout !== undefined) checkDuration('batch: waitTimeout', options.waitTimeout);
  if (options.journal !== undefined && (typeof options.journal !== 'string' || !options.journal)) {
    throw new SegmindError('batch: journal must be a file path');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new SegmindError('batch: onProgress must be a function');
  }
  const iterable = params as Partial<Iterable<P> & AsyncIterable<P>> | null;
  if (
    iterable === null ||
    typeof iterable !== 'object' ||
    (typeof iterable[Symbol.iterator] !== 'function' && typeof iterable[Symbol.asyncIterator] !== 'function')
  ) {
    throw new SegmindError(
      'batch: params must be an array, an iterable or an async iterable of parameter objects',
    );
  }
  return new BatchRun<P, V>(client, model, params, { ...options, via, concurrency }, client.log);
}

type Settled<P, V> = BatchItem<P, V>;

class BatchRun<P, V> implements Batch<P, V> {
  readonly #client: BatchPort;
  readonly #model: string;
  readonly #input: Iterable<P> | AsyncIterable<P>;
  readonly #options: BatchOptions & { via: 'async' | 'sync'; concurrency: number };
  readonly #log: BatchLog;
  #consumed = false;

  // Running state.
  #stopped = false;
  #started = 0;
  #running = 0;
  #succeeded = 0;
  #failed = 0;
  #startedAt = 0;
  readonly #total: number | undefined;
  readonly #inFlight = new Set<AbortController>();
  readonly #ready: Settled<P, V>[] = [];
  #wake: (() => void) | undefined;
  #finished = false;
  #inputError: unknown;
  #changedWarnings = 0;

  constructor(
    client: BatchPort,
    model: string,
    input: Iterable<P> | AsyncIterable<P>,
    options: BatchOptions & { via: 'async' | 'sync'; concurrency: number },
    log: BatchLog,
  ) {
    this.#client = client;
    this.#model = model;
    this.#input = input;
    this.#options = options;
    this.#log = log;
    this.#total = Array.isArray(input) ? input.length : undefined;
  }

  async all(): Promise<Settled<P, V>[]> {
    const items: Settled<P, V>[] = [];
    for await (const item of this.#consume('all()')) items.push(item);
    return items.sort((a, b) => a.index - b.index);
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
    const signal = this.#options.signal;
    const onAbort = () => this.#stop(signal?.reason);
    let journal: Journal | undefined;
    if (this.#options.journal) {
      let module: typeof import('./journal.js');
      try {
        module = await import('./journal.js');
      } catch (err) {
        throw new SegmindError(
          'batch: journal needs a file system (Node.js, Bun or Deno); this runtime has none',
          { cause: err },
        );
      }
      journal = await module.Journal.open(this.#options.journal, this.#model, this.#options.via);
    }
    this.#startedAt = clock.now();
    if (signal?.aborted) this.#stopped = true;
    signal?.addEventListener('abort', onAbort, { once: true });
    const work = this.#run(journal).finally(() => {
      this.#finished = true;
      this.#wake?.();
    });
    try {
      this.#progress();
      for (;;) {
        const item = this.#ready.shift();
        if (item) {
          yield item;
          continue;
        }
        if (this.#finished) break;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
      await work;
      if (this.#inputError !== undefined) throw this.#inputError;
    } finally {
      // The loop ended early (break, throw): stop, and let the items in flight settle.
      signal?.removeEventListener('abort', onAbort);
      if (!this.#finished) this.#stop(new SegmindError('the batch iteration ended early'));
      await work.catch(() => {});
      await journal?.close();
    }
  }

  #stop(reason: unknown): void {
    if (this.#stopped && this.#inFlight.size === 0) return;
    this.#stopped = true;
    for (const controller of this.#inFlight) controller.abort(reason);
  }

  async #run(journal: Journal | undefined): Promise<void> {
    const source = this.#input;
    const iterator: Iterator<P> | AsyncIterator<P> =
      typeof (source as AsyncIterable<P>)[Symbol.asyncIterator] === 'function'
        ? (source as AsyncIterable<P>)[Symbol.asyncIterator]()
        : (source as Iterable<P>)[Symbol.iterator]();
    let index = 0;
    let exhausted = false;
    let pulling: Promise<unknown> = Promise.resolve();
    // One pull at a time: iterators are not safe to call concurrently.
    const pull = (): Promise<Input<P> | undefined> => {
      const next = pulling.then(async (): Promise<Input<P> | undefined> => {
        if (exhausted || this.#stopped) return undefined;
        try {
          const step = await iterator.next();
          if (step.done) {
            exhausted = true;
            return undefined;
          }
          return { index: index++, params: step.value };
        } catch (err) {
          exhausted = true;
          this.#inputError = err;
          return undefined;
        }
      });
      pulling = next;
      return next;
    };
    const worker = async () => {
      for (;;) {
        const input = await pull();
        if (!input || this.#stopped) return;
        this.#started++;
        this.#running++;
        this.#progress();
        const item = await this.#runItem(input, journal);
        this.#running--;
        if (item) {
          if (item.ok) this.#succeeded++;
          else this.#failed++;
          this.#ready.push(item);
          this.#wake?.();
        }
        this.#progress();
      }
    };
    try {
      await Promise.all(Array.from({ length: this.#options.concurrency }, worker));
    } finally {
      if (!exhausted) await Promise.resolve((iterator as AsyncIterator<P>).return?.()).catch(() => {});
    }
  }

  async #runItem(input: Input<P>, journal: Journal | undefined): Promise<Settled<P, V> | undefined> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const { signal } = controller;
    let requestId: string | undefined;
    const base = { index: input.index, params: input.params };
    const ok = (value: V): Settled<P, V> => ({ ...base, requestId, ok: true, value });
    const failed = (error: unknown): Settled<P, V> => ({
      ...base,
      requestId,
      ok: false,
      error: asSegmindError(error),
    });
    const hash = journal?.hash(input.params);
    const note = (event: Parameters<Journal['write']>[0]['e'], extra: { error?: unknown } = {}) => {
      if (!journal || hash === undefined) return Promise.resolve();
      const line: Parameters<Journal['write']>[0] = { e: event, i: input.index, h: hash };
      if (requestId !== undefined) line.id = requestId;
      if (extra.error !== undefined) {
        const e = asSegmindError(extra.error);
        line.error = e.name;
        line.message = e.message.slice(0, 500);
      }
      return journal.write(line);
    };
    try {
      let past = journal?.past(input.index);
      if (past && past.h !== hash) {
        this.#warnChanged(input.index);
        past = undefined;
      }
      if (past) {
        requestId = past.id;
        const resumed = await this.#resume(past, signal, note);
        if (resumed.ok) return ok(resumed.value as V);
        if (resumed.resend !== true) return failed(resumed.error);
      }
      // A fresh send. "sending" is journaled (flushed) once the request has passed the rate limit
      // and is about to leave: a crash after it means the item may have been billed.
      let sending = false;
      const hooks: SendHooks | undefined = journal
        ? {
            beforeSend: async () => {
              if (sending) return;
              sending = true;
              await note('sending');
            },
          }
        : undefined;
      if (this.#options.via === 'sync') {
        try {
          const value = await this.#client.runSync(this.#model, input.params, { signal, hooks });
          requestId = (value as { requestId?: string } | undefined)?.requestId;
          await note('finished');
          return ok(value as V);
        } catch (err) {
          if (!(err instanceof UserAbortError))
            await note(mayHaveBeenBilled(err) ? 'billed' : 'failed', { error: err });
          return failed(err);
        }
      }
      let job: Job;
      try {
        job = await this.#client.submitAsync(this.#model, input.params, { signal, hooks });
      } catch (err) {
        if (!(err instanceof UserAbortError))
          await note(mayHaveBeenBilled(err) ? 'billed' : 'failed', { error: err });
        return failed(err);
      }
      requestId = job.requestId;
      await note('submitted');
      return await this.#await(job, signal, note, ok, failed);
    } catch (err) {
      return failed(err);
    } finally {
      this.#inFlight.delete(controller);
    }
  }

  // Waits for a submitted job and journals how it ended.
  async #await(
    job: Job,
    signal: AbortSignal,
    note: (e: 'finished' | 'failed', extra?: { error?: unknown }) => Promise<void>,
    ok: (value: V) => Settled<P, V>,
    failed: (error: unknown) => Settled<P, V>,
  ): Promise<Settled<P, V>> {
    try {
      const value = await job.wait({ timeout: this.#options.waitTimeout, signal });
      await note('finished');
      return ok(value as V);
    } catch (err) {
      // An abort leaves "submitted" as the last word: the next run re-attaches.
      if (!(err instanceof UserAbortError)) await note('failed', { error: err });
      return failed(err);
    }
  }

  /** An item an earlier run reached: re-attach, report, or (nothing was sent) send again. */
  async #resume(
    past: PastState,
    signal: AbortSignal,
    note: (e: 'finished' | 'failed' | 'billed', extra?: { error?: unknown }) => Promise<void>,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown; resend?: boolean }> {
    if (past.e === 'billed' || (past.e === 'sending' && past.id === undefined)) {
      const error = new ConnectionError(
        `Item was sent by an earlier run that stopped before the answer (${past.message ?? 'no answer recorded'}); it may have been billed, so it is not sent again`,
        { requestSent: true },
      );
      if (past.e === 'sending') await note('billed', { error });
      return { ok: false, error };
    }
    if (past.id === undefined) return { ok: false, error: undefined, resend: true };
    if (this.#options.via === 'sync') {
      if (past.e === 'failed') return { ok: false, error: undefined, resend: true };
      return {
        ok: false,
        error: new SegmindError(
          `Item finished in an earlier run (request id ${past.id}); a v1 result is not kept by Segmind, so it is neither fetched nor paid for again`,
        ),
      };
    }
    const job = this.#client.job(past.id);
    try {
      const value =
        past.e === 'finished'
          ? await job.result({ signal })
          : await job.wait({ timeout: this.#options.waitTimeout, signal });
      if (past.e !== 'finished') await note('finished');
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof UserAbortError) && past.e !== 'failed') await note('failed', { error: err });
      return { ok: false, error: err };
    }
  }

  #warnChanged(index: number): void {
    this.#changedWarnings++;
    if (this.#changedWarnings <= 3) {
      this.#log.warn(
        `batch journal: item ${index}'s parameters differ from the journal's; it is treated as a new item${this.#changedWarnings === 3 ? ' (further items with changed parameters are not reported)' : ''}`,
      );
    }
  }

  #progress(): void {
    const onProgress = this.#options.onProgress;
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

/** Whether a failed send may still have started (and billed) a job. */
function mayHaveBeenBilled(error: unknown): boolean {
  if (error instanceof ConnectionError) return error.requestSent;
  return error instanceof APIError && error.status >= 200 && error.status < 300;
}

function asSegmindError(error: unknown): SegmindError {
  if (isSegmindError(error)) return error as SegmindError;
  return new SegmindError(`batch item failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}
