// The batch journal's only contact with the file system (and node:crypto): a runtime without a
// file system (Cloudflare Workers) can replace this one module with one that throws a clear error.
import { createHash } from 'node:crypto';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { SegmindError } from '../errors.js';

/** An append-only journal file. */
export interface JournalFile {
  /** The lines already in the file (the last one may be torn by a crash). */
  readonly lines: string[];
  /** Appends one line; with `flush`, resolves only once the bytes are on disk (fdatasync). */
  append(line: string, flush: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A short, stable digest of a JSON text. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Opens (or creates) the journal at `path` for appending, after reading what it holds. */
export async function openJournalFile(path: string): Promise<JournalFile> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannot(path, err);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'a');
  } catch (err) {
    throw cannot(path, err);
  }
  // One write at a time, in order: a flushed line is never overtaken by a later one.
  let chain: Promise<void> = Promise.resolve();
  // A line torn by a crash must not glue itself to the next one.
  let needsNewline = text.length > 0 && !text.endsWith('\n');
  return {
    lines: text.split('\n').filter((line) => line.trim() !== ''),
    append(line, flush) {
      const prefix = needsNewline ? '\n' : '';
      needsNewline = false;
      const write = chain.then(async () => {
        await handle.write(`${prefix}${line}\n`);
        if (flush) await handle.datasync();
      });
      chain = write.catch(() => {});
      return write.catch((err: unknown) => {
        throw new SegmindError(`Could not write the batch journal ${path}: ${(err as Error).message}`, {
          cause: err,
        });
      });
    },
    async close() {
      await chain;
      await handle.close();
    },
  };
}

function cannot(path: string, err: unknown): SegmindError {
  return new SegmindError(`Could not open the batch journal ${path}: ${(err as Error).message}`, {
    cause: err,
  });
}
