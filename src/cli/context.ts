import type { Terminal } from './terminal.js';

/** What every command gets from the entry point. */
export interface Context {
  term: Terminal;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** When the bin started, ms since the epoch. */
  started: number;
  stdin: NodeJS.ReadStream;
  /** Prints a help text on stdout and returns exit code 0. */
  help(text: string): number;
}
