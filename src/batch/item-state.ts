// The state machine of one item of a journaled batch: what each journal line means, and what a
// rerun does with an item in each state. The journal (journal.ts) replays lines through `apply`;
// the batch (batch.ts) asks `onRerun` what to do. Documented in the README, "Many images".
//
//   new ──beforeSend──▶ sending ──answer ≠ 200 / failed before leaving──▶ not-billed ──beforeSend──▶ sending …
//                         │ ├──v2 submit answered (id)──▶ submitted ──wait ended──▶ finished | failed
//                         │ ├──v1 answer read──────────▶ finished
//                         │ └──no usable answer──────────▶ billed
//                         └──(crash; found by a rerun)──▶ billed
//
// Segmind bills a 200 only, so `not-billed` (any other answer) is as safe to send again as `new`;
// `sending` with nothing after it means the request may have reached the server: never re-sent.

/** Where an item of a journaled batch stands: the last journal line for it says so. */
export type ItemState =
  /** No line yet: never sent. */
  | { state: 'new' }
  /** An attempt passed the rate limit and was about to leave, or left; its outcome is unknown. */
  | { state: 'sending' }
  /** The last attempt's answer proved nothing was billed (any non-200, or a failure before it left). */
  | { state: 'not-billed'; error: string; message: string }
  /** The v2 submit answered with a job id: the job exists (and is billed). */
  | { state: 'submitted'; id: string }
  /** Succeeded: the job completed (v2), or the v1 answer was read; `id` when the answer had one. */
  | { state: 'finished'; id?: string | undefined }
  /** The job ran and its wait ended without a result (FAILED, timed out, expired). */
  | { state: 'failed'; id: string; error: string; message: string }
  /** The send may have been billed and its outcome is unknown: reported, never sent again. */
  | { state: 'billed'; id?: string | undefined; error: string; message: string };

/** One journal line: the state the item entered (`e`) and what was learned on the way. */
export type ItemEvent =
  | { e: 'sending' }
  | { e: 'not-billed'; error: string; message: string }
  | { e: 'submitted'; id: string }
  | { e: 'finished'; id?: string | undefined }
  | { e: 'failed'; id: string; error: string; message: string }
  | { e: 'billed'; id?: string | undefined; error: string; message: string };

/** The events a journal line may carry. */
export const ITEM_EVENTS = ['sending', 'not-billed', 'submitted', 'finished', 'failed', 'billed'] as const;

/** Which events may follow each state in one run (a rerun starts from the state it finds). */
export const TRANSITIONS: { readonly [S in ItemState['state']]: readonly ItemEvent['e'][] } = {
  new: ['sending'],
  sending: ['not-billed', 'submitted', 'finished', 'billed'],
  'not-billed': ['sending'],
  submitted: ['finished', 'failed'],
  finished: [],
  failed: ['finished', 'failed'],
  billed: [],
};

/** The state after `event`. A line without an id keeps the one an earlier line learned. */
export function apply(before: ItemState, event: ItemEvent): ItemState {
  const known = 'id' in before ? before.id : undefined;
  switch (event.e) {
    case 'sending':
      return { state: 'sending' };
    case 'not-billed':
      return { state: 'not-billed', error: event.error, message: event.message };
    case 'submitted':
      return { state: 'submitted', id: event.id };
    case 'finished':
      return { state: 'finished', id: event.id ?? known };
    case 'failed':
      return { state: 'failed', id: event.id, error: event.error, message: event.message };
    case 'billed':
      return { state: 'billed', id: event.id ?? known, error: event.error, message: event.message };
  }
}

/** What a run does with an item, given the state an earlier run left it in. */
export type RerunAction =
  /** Never sent, or nothing billed: send it. */
  | { action: 'send' }
  /** A v2 job exists: wait for it (`client.job(id)`), never submit again. */
  | { action: 'reattach'; id: string }
  /** A v2 job finished: fetch its result again (Segmind keeps it an hour). */
  | { action: 'fetch-result'; id: string }
  /** A v1 call (or an answer without id) finished: report it, never pay again. */
  | { action: 'report-finished'; id: string | undefined }
  /** May have been billed, outcome unknown: report it (`record`: write `billed` now), never send again. */
  | { action: 'report-billed'; id: string | undefined; message: string | undefined; record: boolean };

/** The rerun rule, one line per state. */
export function onRerun(past: ItemState, via: 'async' | 'sync'): RerunAction {
  switch (past.state) {
    case 'new':
    case 'not-billed':
      return { action: 'send' };
    case 'sending':
      return { action: 'report-billed', id: undefined, message: undefined, record: true };
    case 'billed':
      return { action: 'report-billed', id: past.id, message: past.message, record: false };
    case 'submitted':
    case 'failed':
      // A journal names its mode, so these come from an async run; a v1 "job" cannot be re-attached.
      return via === 'async'
        ? { action: 'reattach', id: past.id }
        : { action: 'report-finished', id: past.id };
    case 'finished':
      return via === 'async' && past.id !== undefined
        ? { action: 'fetch-result', id: past.id }
        : { action: 'report-finished', id: past.id };
  }
}
