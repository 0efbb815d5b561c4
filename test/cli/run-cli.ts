// Runs the `segmind` bin in this process: main(argv, io) with buffers for its streams, the
// environment a test gives (nothing inherited), a folder, the SDK's clock (the manual one when a test
// installs it) and an AbortSignal standing for Ctrl-C.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliIO, TextSource } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { UserAbortError } from '../../src/errors.js';
import { type Clock, clock as sdkClock } from '../../src/util/clock.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed (a line that is not JSON fails the test that reads them). */
  events: Record<string, unknown>[];
}

export interface CliOptions {
  /** The whole environment the bin sees. */
  env?: Record<string, string>;
  /** @default a fresh temporary folder */
  cwd?: string;
  /** stdin's text; without it stdin is an empty pipe (closed at once). */
  input?: string;
  /** stdin itself, instead of `input`. */
  stdin?: TextSource;
  /** stdin is a terminal (nothing piped). */
  stdinTTY?: boolean;
  /** stdout and stderr are terminals (80 columns unless `columns`). */
  tty?: boolean;
  columns?: number;
  /** Ctrl-C: abort it at the point under test. */
  signal?: AbortSignal;
  /** Sees each write as it happens, with everything written to that stream so far. */
  onWrite?(stream: 'stdout' | 'stderr', written: string): void;
  /** @default the SDK's clock (src/util/clock.ts), followed (see {@link following}) */
  clock?: Clock;
}

/** A fresh temporary folder. */
export const tempDir = (prefix = 'segmind-cli-') => mkdtempSync(join(tmpdir(), prefix));

function stdinOf(input: string | undefined, isTTY: boolean): TextSource {
  const chunks = input === undefined || input === '' ? [] : [input];
  return {
    isTTY,
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
  };
}

/**
 * A clock that reads `source` and whose sleeps end once `source`'s time has passed them, checked at
 * every turn of the event loop: it never moves time itself. With a manual clock as `source`, the live
 * line's ticks then follow the SDK's own waits instead of pushing time forward while a request is in
 * flight (auto-advance wakes whichever sleeper is earliest, a 100 ms tick included).
 */
export function following(source: Clock): Clock {
  return {
    now: () => source.now(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const until = source.now() + ms;
        const check = () => {
          if (signal?.aborted) reject(new UserAbortError(signal.reason));
          else if (source.now() >= until) resolve();
          else setImmediate(check);
        };
        check();
      }),
  };
}

/** Runs the bin with `args` to its exit code. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const out = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') => ({
    isTTY: options.tty === true,
    columns: options.columns ?? 80,
    write(text: string) {
      out[name] += text;
      options.onWrite?.(name, out[name]);
      return true;
    },
  });
  const io: CliIO = {
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin: options.stdin ?? stdinOf(options.input, options.stdinTTY === true),
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir(),
    clock: options.clock ?? following(sdkClock),
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await main(args, io);
  return {
    code,
    ...out,
    // Parsed when read: help text is not JSON, and a test that reads it as JSON should fail.
    get events() {
      return parseLines(out.stdout);
    },
  };
}

/** JSON lines → objects; a line that is not JSON fails the test that reads it. */
/**
 * What Ctrl-C during one `segmind run … -o fox.png` job must leave: exit 130 (checked by the caller),
 * a last NDJSON event naming the job and the command that resumes it, the same on stderr, and one
 * submit on the server.
 */
export function expectInterruptedOneJob(
  out: { stdout: string; stderr: string },
  requests: ReadonlyArray<{ method: string }>,
): void {
  const events = parseLines(out.stdout);
  const id = events[0]!.requestId as string;
  expect(events.at(-1)).toEqual({
    event: 'interrupted',
    message: expect.stringContaining(id),
    running: [id],
    resume: [`segmind job ${id} --wait -o fox.png`],
  });
  expect(out.stderr).toContain(`segmind job ${id} --wait`);
  expect(requests.filter((q) => q.method === 'POST')).toHaveLength(1);
}

export function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${l}`);
      }
    });
}
