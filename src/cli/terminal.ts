import { stripVTControlCharacters, styleText } from 'node:util';
import type { Clock } from '../util/clock.js';
import type { CliIO, TextSink } from './io.js';

type Style = Parameters<typeof styleText>[0];

/** Where the bin writes, and how: NDJSON on stdout, a live line on stderr, colours or not. */
export interface Terminal {
  /** stdout carries one JSON object per line (`--json`, or stdout is not a terminal). */
  readonly json: boolean;
  /** stderr is a terminal that gets a live status line. */
  readonly live: boolean;
  /** Colours `text` when colours are on (a terminal, and `NO_COLOR` unset). */
  paint(style: Style, text: string): string;
  /** One JSON object as a line on stdout (JSON mode only). */
  emit(event: Record<string, unknown>): void;
  /** A line for a person on stdout (not in JSON mode). */
  say(line: string): void;
  /** A line on stderr, below any live line. */
  note(line: string): void;
  /** Shows `render()` on the live line, redrawn every tick until the returned stop() is called. */
  liveLine(render: (frame: string) => string): LiveLine;
}

/** A line redrawn in place on stderr. */
export interface LiveLine {
  /** Redraws now (after a change worth showing at once). */
  refresh(): void;
  /** Stops redrawing and clears the line. */
  stop(): void;
}

/** What the terminal writes to and decides from (a part of {@link CliIO}). */
export interface Streams {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  /** Paces the live line's redraws. */
  clock: Clock;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[2K';
/** ms between two redraws of the live line (the spinner's pace). */
const TICK = 100;

/**
 * Decides the output mode once, from `--json` and whether each stream is a terminal.
 * The live line is written with `\r` + erase-line; it is drawn only on a terminal, so pipes and logs
 * never see a control code.
 */
export function createTerminal(jsonFlag: boolean, { stdout, stderr, env, clock }: Streams): Terminal {
  const json = jsonFlag || !stdout.isTTY;
  const live = !jsonFlag && stderr.isTTY === true && env.TERM !== 'dumb';
  // NO_COLOR (https://no-color.org): any non-empty value turns colours off.
  // --json is for programs: no colour anywhere, stderr included.
  const color = !jsonFlag && !env.NO_COLOR && env.TERM !== 'dumb';
  let current: { render: (frame: string) => string; frame: number } | undefined;

  const draw = () => {
    if (!current) return;
    const text = current.render(SPINNER[current.frame % SPINNER.length]!);
    const width = stderr.columns || 80;
    // Longer than the terminal, the line would wrap and \r could not erase it.
    stderr.write(`${CLEAR}${truncate(text, width - 1)}`);
  };

  return {
    json,
    live,
    // Our own decision (NO_COLOR, TERM, which stream): styleText's check looks at stdout only.
    paint: (style, text) =>
      color && (stdout.isTTY || stderr.isTTY) ? styleText(style, text, { validateStream: false }) : text,
    emit: (event) => {
      if (json) stdout.write(`${JSON.stringify(event)}\n`);
    },
    say: (line) => {
      if (!json) stdout.write(`${stdout.isTTY ? line : stripVTControlCharacters(line)}\n`);
    },
    note: (line) => {
      if (current && live) stderr.write(CLEAR);
      stderr.write(`${stderr.isTTY ? line : stripVTControlCharacters(line)}\n`);
      if (live) draw();
    },
    liveLine(render) {
      if (!live) return { refresh() {}, stop() {} };
      const line = { render, frame: 0 };
      current = line;
      draw();
      // Ticks on the injected clock (a manual one in tests), stopped by its own signal.
      const ticking = new AbortController();
      void (async () => {
        while (!ticking.signal.aborted) {
          await clock.sleep(TICK, ticking.signal);
          line.frame++;
          draw();
        }
      })().catch(() => {});
      return {
        refresh: draw,
        stop: () => {
          if (ticking.signal.aborted) return;
          ticking.abort();
          if (current === line) current = undefined;
          stderr.write(CLEAR);
        },
      };
    },
  };
}

// Cuts visible text to `width` columns, keeping escape sequences whole.
function truncate(text: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\x1b') {
      const end = text.indexOf('m', i);
      if (end !== -1) {
        out += text.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += text[i];
    visible++;
  }
  return out;
}

/** `1.2s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `512 B`, `84 KB`, `1.2 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
