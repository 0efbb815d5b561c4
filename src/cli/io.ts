import type { Clock } from '../util/clock.js';

/** Somewhere the bin writes text: stdout, stderr, or a test's buffer. */
export interface TextSink {
  write(text: string): unknown;
  /** A terminal (live line, colours). */
  readonly isTTY?: boolean | undefined;
  /** Its width in columns, when it is a terminal. */
  readonly columns?: number | undefined;
}

/** Where the bin reads its input (a prompt, a batch file given as `-`). */
export interface TextSource extends AsyncIterable<string | Uint8Array> {
  /** A terminal: nothing was piped, so no prompt is read from it. */
  readonly isTTY?: boolean | undefined;
  /** Stops reading (Ctrl-C while waiting for input). */
  destroy?(): unknown;
}

/**
 * Everything the bin reaches outside its arguments. `src/cli/index.ts` binds it to the real
 * `process` (and is the only module that touches `process`); tests pass buffers, a manual clock and
 * their own AbortSignal, so every command runs in process.
 */
export interface CliIO {
  stdout: TextSink;
  stderr: TextSink;
  stdin: TextSource;
  /** The environment (SEGMIND_API_KEY, SEGMIND_BASE_URL, SEGMIND_LOG, NO_COLOR, TERM, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths (`-o`, input files, `--journal`, `--api-key-file`) are read from. */
  cwd: string;
  /**
   * The CLI's time: elapsed times, the live line's ticks. The SDK's waits read `src/util/clock.ts`;
   * the real bin binds this to that same clock, and tests install one manual clock as both.
   */
  clock: Clock;
  /** Fires on Ctrl-C (SIGINT) or SIGTERM: commands stop cleanly and say what still runs. */
  signal: AbortSignal;
}
