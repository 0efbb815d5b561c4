import type { BatchError, SegmindError } from '../errors.js';

/**
 * Options of `client.batch()`.
 * @example
 * const batch = client.batch('fast-flux-schnell', prompts.map((prompt) => ({ prompt })), {
 *   concurrency: 8, journal: 'run.jsonl', onProgress: (p) => console.log(p.succeeded, '/', p.total),
 * });
 */
export interface BatchOptions {
  /**
   * `'async'`: a v2 submit then a wait per item (resumable from the journal). `'sync'`: one v1 call
   * per item.
   * @default 'async'
   */
  via?: 'async' | 'sync' | undefined;
  /**
   * Items in flight at once, from 1 to 10 000; also how many finished items may wait for the
   * consumer before the batch stops starting new ones. The client's `rateLimit` applies on top.
   * @default 4
   */
  concurrency?: number | undefined;
  /**
   * A file (Node, Bun, Deno) where the batch appends one JSON line per item event, flushed before
   * it moves on, so a run stopped half way (crash, Ctrl-C, `kill -9`) can be run again with the
   * same journal without paying twice. Items are recognised by content, not position. One run at a
   * time: the journal is locked (`<journal>.lock`) and a second run on it is refused. A file that is
   * not a journal of this model and mode is refused and left unchanged.
   * @default none
   */
  journal?: string | undefined;
  /** Stops submitting at once; items in flight are yielded with `UserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Told of every change in the counts. Exceptions it throws are ignored. */
  onProgress?: ((progress: BatchProgress) => void) | undefined;
  /**
   * Deadline of each item's wait for its job, in ms, counted from its submit (`'async'` only).
   * Time spent queued behind `rateLimit` does not count.
   * @default the client's `waitTimeout`
   */
  waitTimeout?: number | undefined;
}

/** A batch's counts, as `onProgress` sees them. */
export interface BatchProgress {
  /** How many items the input holds, when known (arrays). */
  total?: number | undefined;
  /** Items not yet started here (known only with `total`; otherwise 0). */
  queued: number;
  /** Items started and not yet finished. */
  running: number;
  /** Items finished with a value. */
  succeeded: number;
  /** Items finished with an error. */
  failed: number;
  /** ms since the batch started. */
  elapsed: number;
}

interface BatchItemBase<P> {
  /** The item's position in the input, from 0. */
  index: number;
  /** The item's parameters, as given. */
  params: P;
  /** The job's (or v1 call's) request id, once known. */
  requestId: string | undefined;
}

/** An item that succeeded. */
export interface BatchSuccess<P, V> extends BatchItemBase<P> {
  /** `true`: `value` holds the result. */
  ok: true;
  /** `JobResult` (`via: 'async'`) or what `runSync()` returns (`via: 'sync'`). */
  value: V;
  /** Never set on a success. */
  error?: undefined;
}

/** An item that failed; the batch goes on. */
export interface BatchFailure<P> extends BatchItemBase<P> {
  /** `false`: `error` says what went wrong. */
  ok: false;
  /** Never set on a failure. */
  value?: undefined;
  /** What went wrong, e.g. `InferenceFailedError`, or `ConnectionError` with `requestSent: true`. */
  error: SegmindError;
}

/** One finished item of a batch. */
export type BatchItem<P, V> = BatchSuccess<P, V> | BatchFailure<P>;

/**
 * A running batch: iterate it with `for await` (items in completion order) or call `all()` (items
 * in input order), not both. Nothing is sent until one of them starts. The input is read lazily,
 * and the batch never runs ahead of its consumer by more than `concurrency` finished items;
 * `break` stops submitting like an abort.
 * @example
 * for await (const item of client.batch('fast-flux-schnell', params)) {
 *   if (item.ok) console.log(item.index, item.value.output);
 *   else console.error(item.index, item.error.message);
 * }
 */
export interface Batch<P, V> extends AsyncIterable<BatchItem<P, V>> {
  /**
   * Runs the batch to the end; resolves with every item yielded, in input order. If the input
   * throws, rejects with a {@link BatchError} whose `results` holds every settled item.
   */
  all(): Promise<BatchItem<P, V>[]>;
}
