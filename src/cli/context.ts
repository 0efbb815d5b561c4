import type { SegmindClient } from '../client.js';
import type { ClientOptions } from '../options/client-options.js';
import type { Clock } from '../util/clock.js';
import type { ConnectFlags } from './connect.js';
import type { TextSource } from './io.js';
import type { WriteOptions } from './save-output.js';
import type { Terminal } from './terminal.js';

/** What every command gets from {@link main}: the parts of {@link CliIO} it uses, and helpers on them. */
export interface Context {
  term: Terminal;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** The CLI's time (elapsed times). */
  clock: Clock;
  /** When the command started, ms since the epoch on {@link clock}. */
  started: number;
  stdin: TextSource;
  env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are read from. */
  cwd: string;
  /** Prints a help text on stdout and returns exit code 0. */
  help(text: string): number;
  /** A client from the environment and the flags; closed when the command ends. */
  connect(flags: ConnectFlags, extra?: ClientOptions): Promise<SegmindClient>;
  /** A warning: a `warning` JSON event (with `fields`) and a yellow line on stderr. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** How images are written (relative to {@link cwd}; warnings on the terminal). */
  writeOptions(force: boolean): WriteOptions;
}
