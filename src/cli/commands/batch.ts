import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Batch, BatchItem, BatchOptions, BatchProgress } from '../../batch/index.js';
import type { SegmindClient } from '../../client.js';
import { isRecord, UserAbortError } from '../../errors.js';
import { ImageResult } from '../../results/image-result.js';
import { readOutput } from '../../results/read-output.js';
import type { Context } from '../context.js';
import { endpointNote } from '../endpoint-note.js';
import { parseJsonExact } from '../exact-json.js';
import { commandHelp } from '../help.js';
import {
  checkPromptOnce,
  commandLineSettings,
  type ParamReader,
  paramReader,
  parseModelCommand,
  type Setting,
} from '../model-params.js';
import { checkFolder } from '../output-path.js';
import { renderBar } from '../progress-bar.js';
import { type SavedFile, saveOutput, type WriteOptions, writeImage } from '../save-output.js';
import { formatDuration } from '../terminal.js';
import { COMMON_OPTIONS, Interrupted, parseDuration, parseInteger, readStdin, UsageError } from '../usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  concurrency: { type: 'string' },
  rpm: { type: 'string' },
  journal: { type: 'string' },
  via: { type: 'string' },
  timeout: { type: 'string' },
} as const;

type Params = Record<string, unknown>;

/** One input line, checked. */
interface Line {
  /** 1-based line number in the input. */
  line: number;
  params: Params;
  /** The file name stem: the line number, zero-padded. */
  stem: string;
}

/**
 * Reads the input: JSONL (a `.jsonl`/`.ndjson` file, or a first line that is a JSON object), else
 * one prompt per line. Blank lines are skipped; every line is checked against the model's rules up
 * front, and every broken one reported (with its line number) before anything is sent. A JSONL
 * line's keys win over the command line's flags; its numbers are read exactly; its image paths are
 * relative to `folder` (the file's), and must be readable files.
 */
async function parseInput(
  reader: ParamReader,
  source: string,
  folder: string,
  text: string,
  settings: readonly Setting[],
): Promise<Line[]> {
  const raw = text.split(/\r?\n/).flatMap((content, i) => (content.trim() ? [{ content, line: i + 1 }] : []));
  if (!raw.length) throw new UsageError('the input has no lines: one prompt, or one JSON object, per line');
  // JSONL by extension, or when the first line is an object: then every line must be one.
  const jsonl = /\.(jsonl|ndjson)$/i.test(source) || raw[0]!.content.trimStart().startsWith('{');
  // Each text line is a prompt: one given by --param too would be given twice on every line.
  if (!jsonl) checkPromptOnce(settings);
  const width = Math.max(4, String(raw[raw.length - 1]!.line).length);
  const errors: string[] = [];
  const lines: Line[] = [];
  for (const { content, line } of raw) {
    const where = `line ${line}: `;
    try {
      let params: Params;
      if (jsonl) {
        const read = parseJsonExact(content, `line ${line}`);
        if (!read.json) throw new UsageError(`${where}not valid JSON (${read.reason})`);
        if (!isRecord(read.value) || Array.isArray(read.value))
          throw new UsageError(`${where}not a JSON object`);
        params = await reader.read({ line: read.value, where, folder });
      } else {
        params = await reader.read({ prompt: content.trim(), where });
      }
      lines.push({ line, params, stem: String(line).padStart(width, '0') });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      for (const message of err.message.split('\n')) {
        errors.push(message.startsWith(where) ? message : `${where}${message}`);
      }
    }
  }
  if (errors.length) {
    const shown = errors.slice(0, 20);
    if (errors.length > shown.length) shown.push(`… and ${errors.length - shown.length} more`);
    throw new UsageError(`nothing was sent; fix these lines first:\n${shown.join('\n')}`);
  }
  return lines;
}

/** A name in the output folder that a line's image would take (`0003.png` for line 3). */
interface Existing {
  name: string;
  kind: 'file' | 'folder' | 'dangling' | 'other';
}

// The entries of the output folder by stem (`0003` → `0003.png`); none when it does not exist yet.
function existingStems(dir: string): Map<string, Existing> {
  const stems = new Map<string, Existing>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return stems;
  }
  for (const name of names) {
    const dot = name.indexOf('.');
    if (dot <= 0) continue;
    let kind: Existing['kind'];
    try {
      const stats = statSync(join(dir, name));
      kind = stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
    } catch {
      kind = 'dangling';
    }
    stems.set(name.slice(0, dot), { name, kind });
  }
  return stems;
}

/**
 * Refuses, before anything is sent, a line whose image could not be written: a folder or a device
 * under its name, or (without --force) a file or dangling link, unless a journal says earlier runs
 * made those files (they are then kept).
 */
function checkStems(
  lines: Line[],
  existing: Map<string, Existing>,
  shown: string,
  force: boolean,
  journal: boolean,
) {
  for (const l of lines) {
    const taken = existing.get(l.stem);
    if (!taken) continue;
    const path = join(shown, taken.name);
    if (taken.kind === 'folder')
      throw new UsageError(`${path} is a folder; line ${l.line} writes its image there`);
    if (taken.kind === 'other')
      throw new UsageError(`${path} is not a regular file; line ${l.line} writes its image there`);
    if (force || (journal && taken.kind === 'file')) continue;
    throw new UsageError(
      taken.kind === 'dangling'
        ? `${path} is a symbolic link to a missing file; pass --force to replace it, or use another -o`
        : `${path} already exists; pass --force to overwrite, use another -o, or --journal to resume an earlier run`,
    );
  }
}

/** `segmind batch <model> <file|->`: one image per line, with a progress bar and a journal. */
export async function batch(args: string[], ctx: Context): Promise<number> {
  const { values, positionals, tokens, model, flags } = parseModelCommand(args, OPTIONS);
  if (values.help) return ctx.help(commandHelp('batch', model));
  const [, source, ...rest] = positionals;
  if (!model || !source)
    throw new UsageError('segmind batch <model> <file|-> (one prompt or JSON object per line)');
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const concurrency = values.concurrency ? parseInteger('concurrency', values.concurrency, 1, 256) : 4;
  const rpm = values.rpm ? parseInteger('rpm', values.rpm, 1, 100_000) : undefined;
  const timeout = values.timeout ? parseDuration('timeout', values.timeout) : undefined;
  const via = values.via ?? 'async';
  if (via !== 'async' && via !== 'sync') throw new UsageError('--via: must be async or sync');
  const settings = commandLineSettings(flags, tokens);
  const reader = await paramReader(model, settings, ctx.cwd);
  const force = values.force === true;
  const journal = values.journal;
  const dir = values.output ?? '.';
  const dirPath = resolve(ctx.cwd, dir);
  checkFolder(dir, dirPath);

  let text: string;
  try {
    text =
      source === '-'
        ? await readStdin(ctx.stdin, ctx.signal)
        : await readFile(resolve(ctx.cwd, source), 'utf8');
  } catch (err) {
    if (err instanceof Interrupted) throw err;
    throw new UsageError(
      `cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const folder = source === '-' ? ctx.cwd : dirname(resolve(ctx.cwd, source));
  const lines = await parseInput(reader, source, folder, text, settings);
  const note = endpointNote(model, via === 'sync' ? 'v1' : 'v2');
  if (note) ctx.warn(note, { model });

  // Files already there: refused up front without --force; with a journal they are taken to be the
  // images of finished lines from an earlier run, and kept.
  const found = existingStems(dirPath);
  checkStems(lines, found, dir, force, journal !== undefined);
  const kept = new Map<string, string>();
  if (journal && !force) for (const [stem, e] of found) if (e.kind === 'file') kept.set(stem, e.name);

  const client = await ctx.connect(values, rpm ? { rateLimit: { requestsPerMinute: rpm } } : {});
  const { term, signal, clock } = ctx;
  const write = ctx.writeOptions(force);
  const started = clock.now();
  let progress: BatchProgress = {
    total: lines.length,
    queued: lines.length,
    running: 0,
    succeeded: 0,
    failed: 0,
    elapsed: 0,
  };
  const line = term.liveLine((frame) =>
    renderBar(
      term,
      {
        total: lines.length,
        succeeded: progress.succeeded,
        failed: progress.failed,
        running: progress.running,
        elapsed: clock.now() - started,
        rpm,
      },
      frame,
    ),
  );
  const options: BatchOptions = {
    via,
    concurrency,
    signal,
    onProgress: (p) => {
      // For programs: one progress line per finished item (the terminal bar redraws on its own).
      if (p.succeeded + p.failed !== progress.succeeded + progress.failed) {
        term.emit({ event: 'progress', ...p, total: lines.length, rpm });
      }
      progress = p;
    },
    ...(journal ? { journal: resolve(ctx.cwd, journal) } : {}),
    ...(timeout ? { waitTimeout: timeout } : {}),
  };
  const items = lines.map((l) => l.params);
  const run: Batch<Params, unknown> =
    via === 'sync'
      ? client.batch(model, items, { ...options, via: 'sync' })
      : client.batch(model, items, { ...options, via: 'async' });

  const interrupted: { id: string | undefined; line: Line }[] = [];
  let failed = 0;
  let succeeded = 0;
  let keptCount = 0;
  const saves: Promise<void>[] = [];
  const onItem = async (item: BatchItem<Params, unknown>) => {
    const l = lines[item.index]!;
    const base = { event: 'item', line: l.line, index: item.index, requestId: item.requestId };
    try {
      if (!item.ok) throw item.error;
      const files = await saveItem(client, item.value, join(dir, l.stem), kept.get(l.stem), dir, write);
      succeeded++;
      if (files.some((f) => f.kept)) keptCount++;
      term.emit({ ...base, ok: true, files });
    } catch (err) {
      if (err instanceof UserAbortError && signal.aborted) {
        interrupted.push({ id: item.requestId, line: l });
        return;
      }
      failed++;
      const e = err as Error & { requestId?: string };
      term.emit({ ...base, ok: false, error: { name: e.name, message: e.message } });
      term.note(
        `${term.paint('red', '✖')} line ${l.line}: ${e.message}${item.requestId && !e.message.includes(item.requestId) ? ` (request ${item.requestId})` : ''}`,
      );
    }
  };
  try {
    for await (const item of run) saves.push(onItem(item));
    await Promise.all(saves);
  } finally {
    line.stop();
  }
  const elapsed = clock.now() - started;
  const summary = {
    event: 'summary',
    total: lines.length,
    succeeded,
    kept: keptCount,
    failed,
    interrupted: interrupted.length,
    elapsed,
  };
  term.emit(summary);
  term.say(
    `${term.paint('green', '✔')} ${succeeded - keptCount} saved to ${dir}  ${keptCount ? `${keptCount} kept from an earlier run  ` : ''}` +
      `${failed ? term.paint('red', `✖ ${failed} failed  `) : ''}${formatDuration(elapsed)}`,
  );
  if (signal.aborted) {
    const ids = interrupted.flatMap((i) => (i.id ? [i.id] : []));
    // With a journal, the same command resumes: finished lines are kept, running ones re-attached.
    const hints = journal
      ? [['segmind', 'batch', ...args].map(shellQuote).join(' ')]
      : ids.map(
          (id) => `segmind job ${id} --wait -o ${join(dir, interrupted.find((i) => i.id === id)!.line.stem)}`,
        );
    throw new Interrupted(
      `interrupted; stopped submitting (${succeeded} saved, ${failed} failed, ${ids.length} still running, ` +
        `${lines.length - succeeded - failed - interrupted.length} not started)`,
      ids,
      hints,
    );
  }
  return failed ? 1 : 0;
}

async function saveItem(
  client: SegmindClient,
  value: unknown,
  stem: string,
  kept: string | undefined,
  dir: string,
  write: WriteOptions,
): Promise<SavedFile[]> {
  // With a journal, a finished line's earlier image is kept rather than fetched and written again.
  if (kept) {
    const path = join(dir, kept);
    return [{ path, size: statSync(resolve(write.cwd, path)).size, contentType: '', kept: true }];
  }
  if (value instanceof ImageResult) return [await writeImage(stem, value.data, value.contentType, write)];
  return saveOutput(client, readOutput((value as { output?: unknown }).output), stem, write);
}

// A word as a POSIX shell reads it back.
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
