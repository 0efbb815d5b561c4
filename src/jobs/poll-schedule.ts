/** What a poll schedule sees before choosing the next wait. */
export interface PollContext {
  /** Status checks made so far in this wait (1 after the first). */
  polls: number;
  /** ms since the job was submitted (or since the wait began, for a resumed job). */
  elapsed: number;
  /** The last status seen. */
  status: string;
}

/**
 * How long `wait()` pauses between status checks: a fixed number of ms, or a function of the
 * {@link PollContext} returning ms. Waits below 100 ms are raised to 100 ms (at most 10 checks a second).
 * @example
 * await job.wait({ interval: 500 });                                     // fixed, like the Python SDK
 * await job.wait({ interval: ({ polls }) => Math.min(5_000, 250 * 2 ** polls) }); // your own backoff
 */
export type PollInterval = number | ((context: PollContext) => number);

/** The shortest pause between two status checks of one job, in ms. */
export const MIN_POLL_INTERVAL = 100;
/** Completed jobs remembered per model to predict the next one's duration. */
export const DURATION_SAMPLES = 32;
/** Completed jobs needed before the schedule trusts its prediction. */
export const MIN_SAMPLES = 3;

/**
 * Remembers how long each model's jobs took (from submit to done) in this process, so the default
 * schedule can sleep through the part of a job that is certainly not done and poll densely when
 * it usually ends.
 */
export class DurationStats {
  readonly #samples = new Map<string, Array<{ mid: number; width: number }>>();

  /**
   * Records that a job of `model` ended between `after` ms (its last pending check) and `before` ms
   * (the check that saw it done), both counted from submit.
   */
  record(model: string, after: number, before: number): void {
    if (!(after >= 0 && before >= after) || !Number.isFinite(before)) return;
    const list = this.#samples.get(model) ?? [];
    list.push({ mid: (after + before) / 2, width: before - after });
    if (list.length > DURATION_SAMPLES) list.shift();
    this.#samples.set(model, list);
  }

  /** The [low, high] range most jobs of `model` end in, in ms, once enough are known. */
  window(model: string): [number, number] | undefined {
    const list = this.#samples.get(model);
    if (!list || list.length < MIN_SAMPLES) return undefined;
    // Samples pinned down by dense checks beat the coarse ones from before the model was known.
    const precise = list.filter((s) => s.width <= Math.max(400, 0.2 * s.mid));
    const sorted = (precise.length >= MIN_SAMPLES ? precise : list).map((s) => s.mid).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))]!;
    return [at(0.1), at(0.9)];
  }
}

/**
 * The default schedule. Before it knows a model: 250 ms, 500 ms, then `base` (the client's
 * `pollInterval`) between checks, so a 2 s job is checked about 5 times. Once it has seen a few jobs
 * of the model: one pause until the earliest they usually end, then checks every
 * quarter of the usual spread (125 ms to `base`), then back to `base` for stragglers.
 */
export function adaptiveSchedule(
  base: number,
  window: [number, number] | undefined,
): (c: PollContext) => number {
  return ({ polls, elapsed }) => {
    if (window) {
      const [low, high] = window;
      // 125 ms at the densest, so network jitter never brings two checks within 100 ms of each other.
      const dense = Math.min(base, Math.max(1.25 * MIN_POLL_INTERVAL, (high - low) / 4));
      if (elapsed < low - dense) return low - dense / 2 - elapsed;
      if (elapsed <= high + dense) return dense;
      return base;
    }
    return Math.min(base, 250 * 2 ** (polls - 1));
  };
}

/** The pause before the next check, in ms, never below {@link MIN_POLL_INTERVAL}. */
export function nextPollDelay(interval: PollInterval, context: PollContext): number {
  const ms = typeof interval === 'number' ? interval : interval(context);
  return Number.isFinite(ms) ? Math.max(MIN_POLL_INTERVAL, ms) : MIN_POLL_INTERVAL;
}
