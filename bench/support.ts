import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ROOT, runNode, spawnNode } from '../test/support/child.js';

export { ROOT };

/** Median, min and max of a list of numbers. */
export function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Starts the bench server in its own process and returns its URL. */
export async function startServer(): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const child = spawnNode([`${ROOT}bench/server.ts`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { url: `http://127.0.0.1:${port}`, child, stop: () => child.kill() };
}

/** Runs a Node script (plain JS/TS run by tsx) in a fresh process and parses the JSON it prints last. */
export async function runChild<T>(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  // No time limit: a benchmark child runs as long as it needs.
  const { code, stdout, stderr } = await runNode([script, ...args], { env, timeout: 0 });
  process.stderr.write(stderr);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${stdout}`);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON: ${stdout}`);
  }
}

/** Formats a table with aligned columns. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
