// The batch journal's contact with the file system (and node:crypto), with journal-lock.ts: a
// runtime without a file system (Cloudflare Workers) replaces journal.ts, and so these, with a
// module that throws a clear error.
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { SegmindError } from '../errors.js';
import { type JournalLock, lockJournal } from './journal-lock.js';

/** An append-only journal file, locked for this run. */
export interface JournalFile {
  /** The lines after the header (the last one may be torn by a crash). */
  readonly lines: string[];
  /** Appends one line; resolves once it is on disk (fdatasync). Lines land in call order. */
  append(line: string): Promise<void>;
  /** Waits for pending lines, closes the file and releases the lock. */
  close(): Promise<void>;
}

/** How a journal opens: the header a new one gets, and the check an existing one's header must pass. */
export interface JournalFormat {
  /** The first line of a new journal (no newline). */
  header: string;
  /** Why an existing file's first line does not fit, or `undefined` when it does. */
  refuse(firstLine: string): string | undefined;
}

/** A short, stable digest of a text. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

// Enough to hold any header: a file whose first line is longer is not a journal.
const HEADER_MAX = 64 * 1024;

/**
 * Locks and opens the journal at `path`: a missing or empty file becomes a new journal (its header
 * written atomically); an existing one must pass `format.refuse`, else it is left byte-for-byte
 * unchanged and a `SegmindError` says why.
 */
export async function openJournalFile(path: string, format: JournalFormat): Promise<JournalFile> {
  const lock = await lockJournal(path);
  try {
    return await openLocked(path, format, lock);
  } catch (err) {
    await lock.release().catch(() => {});
    throw err;
  }
}

async function openLocked(path: string, format: JournalFormat, lock: JournalLock): Promise<JournalFile> {
  let text = await readExisting(path);
  if (text === undefined || text === '') {
    await createWithHeader(path, format.header);
    text = `${format.header}\n`;
  } else {
    const end = text.indexOf('\n');
    const problem = format.refuse(end < 0 ? text : text.slice(0, end));
    if (problem) throw new SegmindError(`batch: ${path} ${problem}; it was left unchanged`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'a');
  } catch (err) {
    throw cannot('open', path, err);
  }
  const lines = text.split('\n').slice(1);
  // A line torn by a crash must not glue itself to the next one.
  let prefix = text.endsWith('\n') ? '' : '\n';
  // Group commit: lines appended while a write is under way go out together, with one fdatasync.
  let queue: { line: string; done: () => void; failed: (err: unknown) => void }[] = [];
  let writing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        await handle.write(prefix + group.map((w) => `${w.line}\n`).join(''));
        prefix = '';
        await handle.datasync();
        for (const w of group) w.done();
      } catch (err) {
        const error = cannot('write', path, err);
        for (const w of group) w.failed(error);
      }
    }
    writing = undefined;
  };
  return {
    lines: lines.filter((line) => line.trim() !== ''),
    append(line) {
      return new Promise<void>((done, failed) => {
        queue.push({ line, done, failed });
        writing ??= drain();
      });
    },
    async close() {
      await writing;
      await handle.close().catch(() => {});
      await lock.release();
    },
  };
}

/** The file's text; `undefined` when it does not exist. Refuses a first line too long for a header. */
async function readExisting(path: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cannot('open', path, err);
  }
  try {
    // The header first: a large file that is not a journal (a video passed by mistake) is refused
    // without being read whole.
    const head = Buffer.alloc(HEADER_MAX);
    const { bytesRead } = await handle.read(head, 0, HEADER_MAX, 0);
    if (bytesRead === HEADER_MAX && !head.includes(10)) {
      throw new SegmindError(
        `batch: ${path} is not a segmind batch journal (no header line); it was left unchanged`,
      );
    }
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof SegmindError) throw err;
    throw cannot('read', path, err);
  } finally {
    await handle.close().catch(() => {});
  }
}

// A new journal appears with its whole header or not at all: written beside it, then renamed into
// place (a crash half way through a header would leave a file no later run could accept).
async function createWithHeader(path: string, header: string): Promise<void> {
  const draft = `${path}.${randomBytes(6).toString('hex')}.new`;
  try {
    const handle = await open(draft, 'wx');
    try {
      await handle.write(`${header}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(draft, path);
  } catch (err) {
    await unlink(draft).catch(() => {});
    throw cannot('create', path, err);
  }
}

function cannot(what: string, path: string, err: unknown): SegmindError {
  return new SegmindError(`Could not ${what} the batch journal ${path}: ${(err as Error).message}`, {
    cause: err,
  });
}
