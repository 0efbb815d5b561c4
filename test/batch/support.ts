// What the batch tests share: a client on a fake, counts of what the fake billed, journal lines.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientOptions, SegmindClient } from '../../src/index.js';
import type { MockServer } from '../../src/testing/index.js';

export const KEY = 'SG_test0000000000000';

/** A client on `server`, logging off unless `extra` says otherwise. */
export function clientFor(server: MockServer, extra: ClientOptions = {}): SegmindClient {
  return new SegmindClient({ apiKey: KEY, baseURL: server.url, logLevel: 'off', ...extra });
}

/** A client whose warnings land in `lines`. */
export function warningClient(server: MockServer, lines: string[], extra: ClientOptions = {}): SegmindClient {
  return clientFor(server, {
    logLevel: 'warn',
    logger: { error() {}, info() {}, debug() {}, warn: (l: string) => void lines.push(l) },
    ...extra,
  });
}

/** `n` distinct prompts, `p0`… (or `<tag>0`…). */
export const prompts = (n: number, tag = 'p') =>
  Array.from({ length: n }, (_, i) => ({ prompt: `${tag}${i}` }));

/** Every v2 submit the fake received (billed or not). */
export const submits = (server: MockServer) =>
  server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/'));

/** Every POST the fake received (v1 calls and v2 submits). */
export const posts = (server: MockServer) => server.requests.filter((r) => r.method === 'POST');

/** The prompts of the jobs the fake created (each one billed), with repeats. */
export const billedPrompts = (server: MockServer) =>
  [...server.jobs.values()].map((job) => String((job.params as { prompt: unknown }).prompt));

/** The largest number of jobs the fake created for one prompt. */
export function mostBilledForOnePrompt(server: MockServer): number {
  const per = new Map<string, number>();
  for (const p of billedPrompts(server)) per.set(p, (per.get(p) ?? 0) + 1);
  return Math.max(0, ...per.values());
}

/** A fresh folder for journals. */
export const tmp = () => mkdtemp(join(tmpdir(), 'segmind-batch-'));

/** A journal's lines after the header, parsed. */
export async function journalEvents(path: string): Promise<Array<Record<string, unknown>>> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  return lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A journal's header, parsed. */
export async function journalHeader(path: string): Promise<Record<string, unknown>> {
  return JSON.parse((await readFile(path, 'utf8')).split('\n')[0]!) as Record<string, unknown>;
}
