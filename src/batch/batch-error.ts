import { SegmindError } from '../errors.js';

/**
 * A batch's `all()` stopped before its input ended: the input threw. `cause` is what it threw;
 * `results` holds every item the batch settled, in input order, so results already paid for are
 * never lost. (`for await` yields those items as they finish, then throws the input's error as is.)
 * @example
 * try { await client.batch('fast-flux-schnell', readPrompts()).all(); }
 * catch (err) {
 *   if (err instanceof BatchError) for (const item of err.results) if (item.ok) keep(item.value);
 * }
 */
export class BatchError<Item = unknown> extends SegmindError {
  /** Always `'BatchError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'BatchError' as const;
  /** Every item the batch settled before it stopped, in input order. */
  readonly results: Item[];

  constructor(message: string, results: Item[], options: { cause: unknown }) {
    super(message, options);
    this.results = results;
  }
}
