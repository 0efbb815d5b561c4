// Runs the `segmind` bin from source (node --import tsx src/cli/index.ts) the way a shell would.
import type { ChildProcess } from 'node:child_process';
import { ROOT, spawnNode } from '../support/child.js';

export const BIN = `${ROOT}src/cli/index.ts`;

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed. */
  events: Record<string, unknown>[];
}

export interface BinOptions {
  /** Environment on top of a clean one (no SEGMIND_* or NO_COLOR from the parent). */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to stdin, then stdin is closed. Without it stdin is closed at once. */
  input?: string;
}

/**
 * The environment the bin sees: the parent's with SEGMIND_*, NO_COLOR and FORCE_COLOR blanked (the
 * bin treats empty as unset), then the test's own.
 */
export function cleanEnv(env: Record<string, string> = {}): Record<string, string> {
  const blank: Record<string, string> = {};
  for (const k of Object.keys(process.env)) if (/^(SEGMIND_|NO_COLOR$|FORCE_COLOR$)/.test(k)) blank[k] = '';
  return { ...blank, ...env };
}

/** Runs the bin to the end. */
export function bin(args: string[], options: BinOptions = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawnNodeClean(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.stdin?.end(options.input ?? '');
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        // Parsed when read: help text is not JSON, and a test that reads it as JSON should fail.
        get events() {
          return parseLines(stdout);
        },
      }),
    );
  });
}

/** Starts the bin with a clean environment (see {@link cleanEnv}). */
export function spawnNodeClean(args: string[], options: BinOptions = {}): ChildProcess {
  const child = spawnNode([BIN, ...args], {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
    env: cleanEnv(options.env),
  });
  return child;
}

/** JSON lines → objects; a line that is not JSON fails the test that reads it. */
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
