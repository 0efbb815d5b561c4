import { fingerprint } from '../uploads/fingerprint.js';
import { isImageBytes } from '../uploads/image-input.js';
import { apply, ITEM_EVENTS, type ItemEvent, type ItemState } from './item-state.js';
import { digest, type JournalFile, openJournalFile } from './journal-file.js';
import { type ResumeContext, resumeItem } from './resume.js';

/**
 * A journal is JSON Lines (format in the README, "Many images"): a header naming the model and the
 * mode, then one line per item event: `e` the event (the state the item entered), `h` a hash of
 * the item's content, `n` its occurrence among equal items, `i` its index in that run's input (for
 * people), `t` ms since the epoch, and `id`, `error`, `message` when known.
 */
const FORMAT = 'batch-journal';
const VERSION = 2;

/** What identifies an item across runs: its content and its occurrence among equal items. */
export interface ItemKey {
  /** SHA-256 (16 hex digits) of the model, the mode and the params, image bytes by their own hash. */
  h: string;
  /** 0 for the first item with this content in the input, 1 for the second, … */
  n: number;
}

/** The journal of one batch run: what earlier runs did, and a writer for this one. */
export class Journal {
  readonly #file: JournalFile;
  readonly #model: string;
  readonly #via: 'async' | 'sync';
  readonly #past = new Map<string, ItemState>();
  // Occurrences seen so far in this run's input, by content hash.
  readonly #seen = new Map<string, number>();
  // The same bytes (by object) are hashed once per run, however many items use them.
  readonly #bytes = new WeakMap<object, Promise<string>>();
  /** Lines of earlier runs that could not be read (torn by a crash, or not journal lines). */
  readonly skipped: number;

  private constructor(file: JournalFile, model: string, via: 'async' | 'sync') {
    this.#file = file;
    this.#model = model;
    this.#via = via;
    let skipped = 0;
    for (const line of file.lines) {
      const parsed = parseLine(line);
      if (!parsed) {
        skipped++;
        continue;
      }
      const key = keyText(parsed.key);
      this.#past.set(key, apply(this.#past.get(key) ?? { state: 'new' }, parsed.event));
    }
    this.skipped = skipped;
  }

  /**
   * Locks the journal at `path` for this run and reads it; creates it (with its header) when missing
   * or empty. A file that is not a journal, or one of another model or mode, is refused untouched.
   */
  static async open(
    path: string,
    model: string,
    via: 'async' | 'sync',
    log: { warn(message: string): void },
  ): Promise<Journal> {
    const header = JSON.stringify({ segmind: FORMAT, v: VERSION, model, via, t: Date.now() });
    const file = await openJournalFile(path, { header, refuse: (line) => refuseHeader(line, model, via) });
    const journal = new Journal(file, model, via);
    if (journal.skipped > 0) {
      log.warn(
        `batch journal ${path}: skipped ${journal.skipped} unreadable line${journal.skipped === 1 ? '' : 's'} (a line torn by a crash is one); the items they named keep their earlier state`,
      );
    }
    return journal;
  }

  /**
   * The key of the next item of the input. Call it in input order: equal items are told apart by
   * their occurrence. Image bytes anywhere in the params count by their SHA-256.
   */
  async identify(params: unknown): Promise<ItemKey> {
    const content = await this.#withBytesHashed(params);
    const h = digest(canonicalJson({ model: this.#model, via: this.#via, params: content }));
    const n = this.#seen.get(h) ?? 0;
    this.#seen.set(h, n + 1);
    return { h, n };
  }

  /** Where an earlier run left the item. */
  past(key: ItemKey): ItemState {
    return this.#past.get(keyText(key)) ?? { state: 'new' };
  }

  /**
   * Settles an item an earlier run touched, by the rerun rule (report it, fetch its result, or
   * re-attach to its job); `undefined` when the item is to be sent.
   */
  resume<S>(key: ItemKey, run: ResumeContext<S>): Promise<S | undefined> {
    return resumeItem(this.past(key), run);
  }

  /** Appends the item's event; resolves once it is on disk. `i` is its index in this run's input. */
  record(key: ItemKey, index: number, event: ItemEvent): Promise<void> {
    const { e, ...rest } = event;
    return this.#file.append(JSON.stringify({ e, h: key.h, n: key.n, i: index, ...rest, t: Date.now() }));
  }

  /** Waits for pending lines and releases the journal. */
  close(): Promise<void> {
    return this.#file.close();
  }

  async #withBytesHashed(value: unknown): Promise<unknown> {
    if (isImageBytes(value)) {
      let hash = this.#bytes.get(value);
      if (!hash) {
        hash = fingerprint(value);
        this.#bytes.set(value, hash);
      }
      return { 'segmind:bytes': await hash };
    }
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.#withBytesHashed(v)));
    if (value !== null && typeof value === 'object' && isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await this.#withBytesHashed(v);
      return out;
    }
    return value;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function keyText(key: ItemKey): string {
  return `${key.h}:${key.n}`;
}

/** Why `line` is not the header of a journal for this model and mode, or `undefined`. */
function refuseHeader(line: string, model: string, via: string): string | undefined {
  let header: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(line);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) header = v as Record<string, unknown>;
  } catch {
    // not JSON
  }
  if (!header || header.segmind !== FORMAT) {
    return 'is not a segmind batch journal (its first line is not a journal header): pass a new file, or one an earlier batch wrote';
  }
  if (header.v !== VERSION) {
    return `is a batch journal of another format (v${String(header.v)}; this version of segmind reads v${VERSION}): pass a new file`;
  }
  if (header.model !== model || header.via !== via) {
    return `is the journal of a ${String(header.model)} batch via ${String(header.via)}, not of this ${model} batch via ${via}: use one journal per model and mode`;
  }
  return undefined;
}

const EVENTS: ReadonlySet<string> = new Set(ITEM_EVENTS);
const HASH = /^[0-9a-f]{16}$/;

/** One line of an earlier run, checked field by field; `undefined` for anything else. */
function parseLine(line: string): { key: ItemKey; event: ItemEvent } | undefined {
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    v = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { e, h, n, id, error, message } = v;
  if (typeof e !== 'string' || !EVENTS.has(e) || typeof h !== 'string' || !HASH.test(h)) return undefined;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return undefined;
  if (id !== undefined && (typeof id !== 'string' || id === '')) return undefined;
  if (error !== undefined && typeof error !== 'string') return undefined;
  if (message !== undefined && typeof message !== 'string') return undefined;
  const why = { error: error ?? 'Error', message: message ?? '' };
  const key = { h, n };
  switch (e as ItemEvent['e']) {
    case 'sending':
      return { key, event: { e: 'sending' } };
    case 'not-billed':
      return { key, event: { e: 'not-billed', ...why } };
    case 'submitted':
      return id === undefined ? undefined : { key, event: { e: 'submitted', id } };
    case 'finished':
      return { key, event: { e: 'finished', id } };
    case 'failed':
      return id === undefined ? undefined : { key, event: { e: 'failed', id, ...why } };
    case 'billed':
      return { key, event: { e: 'billed', id, ...why } };
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
