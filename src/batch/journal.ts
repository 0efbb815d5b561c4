import { digest, type JournalFile, openJournalFile } from './journal-file.js';

/**
 * One journal line. Format (documented in the README, "Many images"): JSON per line,
 * `e` the event, `i` the item's index, `h` a hash of the item's model, mode and params, `t` ms
 * since the epoch, plus `id` (request id), `error` and `message` when known.
 */
export interface JournalEvent {
  e: 'sending' | 'submitted' | 'finished' | 'failed' | 'billed';
  i: number;
  h: string;
  t: number;
  id?: string;
  error?: string;
  message?: string;
}

/** Where an item stood when the journal was last written. */
export type PastState = Pick<JournalEvent, 'e' | 'h' | 'id' | 'error' | 'message'>;

/** The journal of one batch run: what earlier runs did, and a writer for this one. */
export class Journal {
  readonly #file: JournalFile;
  readonly #past = new Map<number, PastState>();
  readonly #model: string;
  readonly #via: string;

  private constructor(file: JournalFile, model: string, via: string) {
    this.#file = file;
    this.#model = model;
    this.#via = via;
    for (const line of file.lines) {
      let event: Partial<JournalEvent>;
      try {
        event = JSON.parse(line) as Partial<JournalEvent>;
      } catch {
        continue; // a line torn by a crash: the event it was writing never completed
      }
      if (typeof event.i !== 'number' || typeof event.h !== 'string' || typeof event.e !== 'string') continue;
      const state: PastState = { e: event.e, h: event.h };
      // A later event keeps the request id an earlier one learned.
      const before = this.#past.get(event.i);
      const id = event.id ?? (before?.h === event.h ? before.id : undefined);
      if (id !== undefined) state.id = id;
      if (event.error !== undefined) state.error = event.error;
      if (event.message !== undefined) state.message = event.message;
      this.#past.set(event.i, state);
    }
  }

  static async open(path: string, model: string, via: string): Promise<Journal> {
    const file = await openJournalFile(path);
    const journal = new Journal(file, model, via);
    await file.append(JSON.stringify({ segmind: 'batch-journal', v: 1, model, via, t: Date.now() }), false);
    return journal;
  }

  /** The hash that identifies an item: its model, mode and params (keys sorted). */
  hash(params: unknown): string {
    return digest(canonicalJson({ model: this.#model, via: this.#via, params }));
  }

  /** The item's last state in earlier runs, whatever its hash. */
  past(index: number): PastState | undefined {
    return this.#past.get(index);
  }

  /** Appends an event. `sending`, `submitted` and `billed` are flushed before this resolves. */
  write(event: Omit<JournalEvent, 't'>): Promise<void> {
    const flush = event.e !== 'finished' && event.e !== 'failed';
    return this.#file.append(JSON.stringify({ ...event, t: Date.now() }), flush);
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** JSON with object keys sorted, `undefined` members dropped: the same params always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}
