import { clock } from '../util/clock.js';

/**
 * How long a stopped batch lets a v2 submit that already left finish, in ms: its answer carries
 * the id of a job that exists (and is billed) either way, and with the id journaled a rerun
 * re-attaches instead of reporting the item "may have been billed".
 */
export const SUBMIT_GRACE = 2_000;

/**
 * One item's abort signal. Stopping the batch aborts it at once, except while the item's v2 submit
 * is on the wire: then it fires when the answer comes (or after {@link SUBMIT_GRACE}).
 */
export class ItemAbort {
  readonly #controller = new AbortController();
  #onWire = false;
  #stopped = false;
  #reason: unknown;
  #grace: AbortController | undefined;

  /** The signal the item's calls take. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the item: at once, or once its submit on the wire has answered. */
  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    if (!this.#onWire) {
      this.#controller.abort(reason);
      return;
    }
    const grace = new AbortController();
    this.#grace = grace;
    clock.sleep(SUBMIT_GRACE, grace.signal).then(
      () => this.#controller.abort(reason),
      () => {},
    );
  }

  /** A v2 submit is about to leave: a stop now waits for its answer. */
  wireStart(): void {
    this.#onWire = true;
  }

  /** The submit answered (or failed): a stop that came meanwhile applies now. */
  wireEnd(): void {
    this.#onWire = false;
    this.#grace?.abort();
    this.#grace = undefined;
    if (this.#stopped) this.#controller.abort(this.#reason);
  }
}
