import { formatDuration, type Terminal } from './terminal.js';

/** What the batch bar shows. */
export interface BarState {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  /** ms since the batch started. */
  elapsed: number;
  /** The `--rpm` budget held to, if any. */
  rpm?: number | undefined;
}

/** Images per minute so far, and the time left at that pace (undefined until one finished). */
export function pace(s: BarState): { perMinute: number; eta: number | undefined } {
  const done = s.succeeded + s.failed;
  const minutes = s.elapsed / 60_000;
  const perMinute = minutes > 0 ? s.succeeded / minutes : 0;
  const left = s.total - done;
  const eta = done > 0 && s.elapsed > 0 ? (left * s.elapsed) / done : undefined;
  return { perMinute, eta };
}

/**
 * One line: `⠋ [██████░░░░░░] 12/100 ✔11 ✖1 ▶4 23/min ETA 3m45s ≤50/min 31.0s`.
 * The bar counts finished items (succeeded and failed).
 */
export function renderBar(term: Terminal, s: BarState, frame: string, width = 20): string {
  const done = s.succeeded + s.failed;
  const filled = s.total ? Math.min(width, Math.round((done / s.total) * width)) : 0;
  const bar = term.paint('green', '█'.repeat(filled)) + term.paint('dim', '░'.repeat(width - filled));
  const { perMinute, eta } = pace(s);
  const parts = [
    `${term.paint('cyan', frame)} [${bar}] ${done}/${s.total}`,
    `${term.paint('green', '✔')}${s.succeeded} ${term.paint('red', '✖')}${s.failed} ${term.paint('yellow', '▶')}${s.running}`,
    `${perMinute < 10 ? perMinute.toFixed(1) : Math.round(perMinute)}/min`,
    `ETA ${eta === undefined ? '–' : formatDuration(eta)}`,
  ];
  if (s.rpm) parts.push(term.paint('dim', `limit ${s.rpm} rpm`));
  parts.push(formatDuration(s.elapsed));
  return parts.join('  ');
}
