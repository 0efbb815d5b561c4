// One run per journal at a time: an exclusive lock file next to the journal (`<journal>.lock`).
// Two runs on one journal would each see the other's items as "never sent" and pay for them twice.
// Written by hand: the runtime's file system has no portable advisory lock, and the lock libraries
// decide staleness by age (a live run may hold its journal for hours); here a lock is stale exactly
// when its holder's process is gone.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { SegmindError } from '../errors.js';

/** What a lock file holds: who holds the journal, and since when. */
interface LockInfo {
  /** The holder's process id, on `host`. */
  pid: number;
  host: string;
  /** When the holder's process started (ms since epoch): tells a reused pid apart. */
  started: number;
  /** When the lock was taken (ms since epoch). */
  since: number;
  /** This lock's own identity, so a holder never removes another's lock. */
  token: string;
}

/** A held journal lock. */
export interface JournalLock {
  /** Removes the lock file (if it is still this one's). */
  release(): Promise<void>;
}

// Locks this copy of the SDK holds, by token: a second batch in this process on the same journal is
// refused like a second process. (A second copy of the package in this process is told apart by the
// process start time below.)
const held = new Set<string>();
// When this process started, give or take a few ms between copies of the package.
const PROCESS_STARTED = Date.now() - Math.round(process.uptime() * 1000);
const SAME_PROCESS_SLACK = 2_000;

/**
 * Takes the lock of the journal at `journalPath`, at once or not at all: a live holder (another
 * process, or another batch in this one) makes it throw a `SegmindError` naming the holder; a lock
 * whose holder's process is gone (on this host) is taken over.
 */
export async function lockJournal(journalPath: string): Promise<JournalLock> {
  const path = `${journalPath}.lock`;
  const token = randomBytes(8).toString('hex');
  const mine: LockInfo = {
    pid: process.pid,
    host: hostName(),
    started: PROCESS_STARTED,
    since: Date.now(),
    token,
  };
  const text = JSON.stringify(mine);
  // A few rounds: each lost race (another opener created or took over the lock in between) starts again.
  for (let round = 0; round < 5; round++) {
    if (await createAtomically(path, `${text}\n`, token)) {
      held.add(token);
      return {
        async release() {
          held.delete(token);
          const now = await readText(path);
          if (now !== undefined && parseLock(now)?.token === token) await unlink(path).catch(() => {});
        },
      };
    }
    const current = await readText(path);
    if (current === undefined) continue; // released in between: try again
    const holder = parseLock(current);
    if (!holder) {
      throw new SegmindError(
        `batch: the journal ${journalPath} has a lock file that is not segmind's (${path}); if no batch is running on this journal, delete it`,
      );
    }
    const state = liveness(holder);
    if (state !== 'gone') throw inUse(journalPath, path, holder, state === 'unknown');
    // The holder is gone: move its lock aside (atomic: of two openers doing this, one wins), and make
    // sure it was the dead holder's lock that moved, not one a faster opener had just created.
    const aside = `${path}.${token}.stale`;
    try {
      await rename(path, aside);
    } catch (err) {
      if (code(err) === 'ENOENT') continue;
      throw cannotLock(path, err);
    }
    const moved = await readText(aside);
    if (moved === current) {
      await unlink(aside).catch(() => {});
      continue;
    }
    // A live lock moved by mistake: put it back (never over a newer one), and step aside.
    await link(aside, path).catch(() => {});
    await unlink(aside).catch(() => {});
    const live = moved === undefined ? undefined : parseLock(moved);
    if (live) throw inUse(journalPath, path, live, false);
  }
  throw new SegmindError(
    `batch: could not lock the journal ${journalPath}: other runs keep taking its lock (${path})`,
  );
}

/** Creates `path` holding `text`, or returns false if it exists; never a half-written lock file. */
async function createAtomically(path: string, text: string, token: string): Promise<boolean> {
  // Written beside it, then hard-linked into place: link() fails if the name exists, and the lock
  // file appears complete (a crash between open and write would leave an empty, unreadable one).
  const draft = `${path}.${token}.new`;
  try {
    await writeFile(draft, text, { flag: 'wx' });
  } catch (err) {
    throw cannotLock(path, err);
  }
  try {
    await link(draft, path);
    return true;
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw cannotLock(path, err);
  } finally {
    await unlink(draft).catch(() => {});
  }
}

/** Whether the holder's process still runs; `unknown` when this runtime may not ask. */
function liveness(holder: LockInfo): 'alive' | 'gone' | 'unknown' {
  const host = hostName();
  // A process on another host cannot be checked: it is taken to be alive.
  if (holder.host !== host && holder.host !== '' && host !== '') return 'alive';
  if (holder.pid === process.pid) {
    // This process: a batch of this copy of the SDK, or of another copy (same start time). A
    // different start time means an earlier process that had this pid (a restarted container).
    const same = held.has(holder.token) || Math.abs(holder.started - PROCESS_STARTED) < SAME_PROCESS_SLACK;
    return same ? 'alive' : 'gone';
  }
  try {
    process.kill(holder.pid, 0); // signal 0: only asks whether the process exists
    return 'alive';
  } catch (err) {
    const why = code(err);
    if (why === 'ESRCH') return 'gone';
    if (why === 'EPERM') return 'alive'; // it exists, under another user
    return 'unknown'; // not allowed to ask (Deno without --allow-run)
  }
}

// The host's name; empty when the runtime may not read it (Deno without --allow-sys).
function hostName(): string {
  try {
    return hostname();
  } catch {
    return '';
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (
      v &&
      Number.isInteger(v.pid) &&
      typeof v.host === 'string' &&
      typeof v.started === 'number' &&
      typeof v.since === 'number' &&
      typeof v.token === 'string'
    )
      return v as LockInfo;
  } catch {
    // not JSON: not a lock of ours
  }
  return undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function inUse(journalPath: string, lockPath: string, holder: LockInfo, unchecked: boolean): SegmindError {
  const here = holder.pid === process.pid && (holder.host === hostName() || holder.host === '');
  const who = here
    ? `another batch in this process (pid ${holder.pid})`
    : `process ${holder.pid} on ${holder.host || 'this host'}`;
  const check = unchecked
    ? ' (this runtime may not check whether that process still runs: on Deno, --allow-run lets it)'
    : '';
  return new SegmindError(
    `batch: the journal ${journalPath} is in use by ${who}, since ${new Date(holder.since).toISOString()}${check}; one run per journal at a time (nothing was sent). If that process is gone, delete ${lockPath}`,
  );
}

function cannotLock(path: string, err: unknown): SegmindError {
  return new SegmindError(`batch: could not lock the journal ${path}: ${(err as Error).message}`, {
    cause: err,
  });
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}
