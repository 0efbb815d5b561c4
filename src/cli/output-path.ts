// Where the bin writes, checked before anything is sent: a job is paid for when it is submitted, so
// every reason the write could fail must be found while refusing still costs nothing (exit 2).
import { randomBytes } from 'node:crypto';
import { lstatSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { UsageError } from './usage.js';

/** The extensions the bin gives each image format (the first is the one it writes). */
export const IMAGE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/webp': ['.webp'],
  'image/gif': ['.gif'],
};

/** What `-o` names, once checked. */
export type OutputPlan =
  /** A folder the command names the image(s) in (`<model>-<id>.<ext>`, `0001.png`). */
  | { kind: 'folder'; path: string }
  /** A file path, as written; without an extension it gets the image's. */
  | { kind: 'file'; path: string };

type Entry = 'missing' | 'file' | 'folder' | 'dangling' | 'other';

// What is at `path`, following symbolic links; `dangling` for a link to nothing.
function entryAt(path: string): Entry {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return 'other';
    try {
      return lstatSync(path).isSymbolicLink() ? 'dangling' : 'missing';
    } catch {
      return 'missing';
    }
  }
}

// Whether a file can be created in the folder: tried rather than inferred from permission bits,
// which say nothing of read-only mounts, /proc, or root's view of a folder it cannot write into.
const writable = (folder: string) => {
  const probe = join(folder, `.segmind-probe-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch {
    return false;
  }
  rmSync(probe, { force: true });
  return true;
};

/**
 * Checks that images can be written into the folder `shown` (`abs` on disk): an existing, writable
 * folder, or one that can be created (its nearest existing ancestor is a writable folder).
 */
export function checkFolder(shown: string, abs: string): void {
  let at = abs;
  let missing = false;
  for (;;) {
    const entry = entryAt(at);
    const name = at === abs ? shown : `${at} (in ${shown})`;
    if (entry === 'folder') {
      if (!writable(at)) {
        throw new UsageError(
          missing
            ? `cannot create folder ${shown}: ${at} is not writable`
            : `cannot write into ${shown}: the folder is not writable`,
        );
      }
      return;
    }
    if (entry === 'dangling') throw new UsageError(`${name} is a symbolic link to a missing folder`);
    if (entry === 'file' || entry === 'other') throw new UsageError(`${name} is a file, not a folder`);
    missing = true;
    const up = dirname(at);
    if (up === at) throw new UsageError(`cannot create folder ${shown}`);
    at = up;
  }
}

/**
 * Checks that an image can be written at the file `shown` (`abs` on disk): its folder exists and is
 * writable; nothing is there (or `force`); it is not a folder, a device or a link to a missing file
 * (unless `force`, which replaces the link). A path without an extension is checked under each name
 * the image may get (`fox` → `fox.png`, `fox.jpg`, …).
 */
export function checkFile(shown: string, abs: string, force: boolean): void {
  const folder = dirname(abs);
  const folderEntry = entryAt(folder);
  if (folderEntry === 'missing' || folderEntry === 'dangling') {
    throw new UsageError(
      `folder ${dirname(shown)} does not exist (for ${shown}); create it first, or end -o with / to write into a new folder`,
    );
  }
  if (folderEntry !== 'folder')
    throw new UsageError(`${dirname(shown)} is a file, not a folder (for ${shown})`);
  if (!writable(folder))
    throw new UsageError(`cannot write into ${dirname(shown)}: the folder is not writable`);
  const names =
    extname(shown) !== ''
      ? [''] // written as named
      : Object.values(IMAGE_EXTENSIONS).map((list) => list[0]!);
  for (const ext of names) {
    const name = `${shown}${ext}`;
    const entry = entryAt(`${abs}${ext}`);
    if (entry === 'missing') continue;
    if (entry === 'folder') throw new UsageError(`${name} is a folder; -o needs a file name there`);
    if (entry === 'other') throw new UsageError(`${name} is not a regular file; choose a file path for -o`);
    if (force) continue;
    if (entry === 'dangling') {
      throw new UsageError(
        `${name} is a symbolic link to a missing file; pass --force to replace the link, or choose another -o`,
      );
    }
    throw new UsageError(`${name} already exists; pass --force to overwrite it, or choose another -o`);
  }
}

/**
 * What `-o` names (`undefined`: the current folder), checked as {@link checkFolder} and
 * {@link checkFile} say. A path ending in `/`, or an existing folder, is a folder (created if
 * missing); anything else is a file.
 */
export function planOutput(output: string | undefined, cwd: string, force: boolean): OutputPlan {
  const shown = output ?? '.';
  const abs = resolve(cwd, shown);
  if (output === undefined || /[/\\]$/.test(output) || entryAt(abs) === 'folder') {
    checkFolder(shown, abs);
    return { kind: 'folder', path: shown };
  }
  checkFile(shown, abs, force);
  return { kind: 'file', path: shown };
}

/** The path (as shown) an image named `name` gets under the plan. */
export function pathIn(plan: OutputPlan, name: string): string {
  return plan.kind === 'folder' ? join(plan.path, name) : plan.path;
}
