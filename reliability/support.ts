import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { isSegmindError, SegmindClient } from '../src/index.js';
import type { ClientOptions } from '../src/options/client-options.js';

/** The key every reliability case uses; it must never show up anywhere a user could see it. */
export const SECRET_KEY = 'SG_5ec7e75ec7e75ec7';

/** A client at debug level whose log lines are kept for the key check. */
export function debugClient(baseURL: string, lines: string[], options: ClientOptions = {}): SegmindClient {
  const sink = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  };
  return new SegmindClient({
    apiKey: SECRET_KEY,
    baseURL,
    logLevel: 'debug',
    logger: { error: sink, warn: sink, info: sink, debug: sink },
    ...options,
  });
}

/** Every way a user could look at an error: message, stack, properties, inspect and JSON. */
export function everyViewOf(value: unknown): string {
  const views: string[] = [];
  if (value instanceof Error) {
    views.push(value.message, value.stack ?? '');
    for (const key of Object.getOwnPropertyNames(value)) {
      const prop = (value as unknown as Record<string, unknown>)[key];
      views.push(typeof prop === 'string' ? prop : inspect(prop, { depth: 6 }));
    }
    views.push(String((value as { cause?: unknown }).cause ?? ''));
  }
  views.push(inspect(value, { depth: 8, showHidden: true }));
  try {
    views.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular structures cannot leak through JSON.
  }
  return views.join('\n');
}

/** Checks the matrix invariants for one outcome; returns the problems found. */
export function invariantProblems(outcome: unknown, logs: string[]): string[] {
  const problems: string[] = [];
  if (outcome instanceof Error && !isSegmindError(outcome)) {
    const raw = outcome as Error;
    problems.push(`rejected with a raw ${raw.constructor.name}: ${raw.message}`);
  }
  if (everyViewOf(outcome).includes(SECRET_KEY)) problems.push('the key shows in the outcome');
  if (logs.some((line) => line.includes(SECRET_KEY))) problems.push('the key shows in a log line');
  return problems;
}

/**
 * Starts a stopwatch; call the result for the ms since. For the figures RELIABILITY.md reports,
 * never for assertions: a busy machine makes any wall-clock bound flaky.
 */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => performance.now() - started;
}

/** Counts of active resources by type, e.g. `{ Timeout: 1, TCPSocketWrap: 2 }`. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Resources present now beyond `baseline` (after letting closed sockets and timers settle). */
export async function leakedSince(baseline: Record<string, number>): Promise<Record<string, number>> {
  let extra: Record<string, number> = {};
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = activeResources();
    extra = {};
    for (const [type, n] of Object.entries(now)) {
      const over = n - (baseline[type] ?? 0);
      if (over > 0) extra[type] = over;
    }
    if (Object.keys(extra).length === 0) return extra;
  }
  return extra;
}

/** Where each reliability file leaves its findings for RELIABILITY.md (see global-setup.ts). */
export const RESULTS_DIR = new URL('./.results/', import.meta.url).pathname;

/** What each reliability file leaves in RESULTS_DIR, one JSON file each. */
export interface Findings {
  'fault-matrix': {
    rows: Array<{
      fault: string;
      expected: string;
      observed: string;
      requests: number;
      posts: number;
      ms: number;
    }>;
    warnings: string[];
    unhandled: string[];
  };
  properties: Array<{ model: string; runs: number; valid: number; invalid: number }>;
  aborts: {
    trials: number;
    byPhase: Record<string, number>;
    slowest: number;
    leaked: Record<string, number>;
  };
  soak: {
    calls: number;
    ok: number;
    failures: Record<string, number>;
    rssStart: number;
    rssEnd: number;
    quarters: number[];
    ms: number;
  };
}

/** Writes one file's findings for RELIABILITY.md. */
export function saveFindings<K extends keyof Findings>(name: K, findings: Findings[K]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(findings, null, 2));
}
