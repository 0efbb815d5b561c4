// One kill -9 trial of a journaled batch: a child process runs it against a fake in this process
// and is killed at some moment; the same batch then runs again here, to the end. Used by
// test/batch/crash.integration.test.ts (a few trials) and reliability/batch-kill.ts (the measurement).
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientWithInternals } from '../../src/client.js';
import { type BatchItem, ConnectionError } from '../../src/index.js';
import { createMockServer, type MockServer } from '../../src/testing/index.js';
import { ROOT, spawnNode } from '../support/child.js';
import { KEY } from './support.js';

/** How a trial's batch runs. */
export interface TrialConfig {
  name: string;
  items: number;
  concurrency: number;
  /** The client's own limit (requests per window), or none: the 429 pause paces it. */
  clientLimit?: number | undefined;
  /** The fake's limit (429s over it), or none. */
  serverLimit?: number | undefined;
  /** Both windows, in ms. */
  window: number;
  /** Injected answers for the first POSTs (nothing billed): 429s and 5xx. */
  faults?: number[] | undefined;
  jobDuration: number;
}

/** When to kill: after `done` items were yielded and then `delay` ms, or at `at` ms after start. */
export type KillPoint = { done: number; delay: number } | { at: number };

/** What a trial saw. */
export interface TrialResult {
  config: string;
  /** The child finished before the kill point came. */
  finishedFirst: boolean;
  /** Items the first run yielded before it died. */
  yieldedBeforeKill: number;
  /** ms from the first run's start (its first line) to its exit. */
  firstRunMs: number;
  /** Jobs the fake created (each one billed), over both runs. */
  billed: number;
  /** The most jobs for one item. */
  mostForOneItem: number;
  /** POSTs the fake received (billed or not). */
  posts: number;
  /** Items of the rerun: ok, and reported may-have-been-billed (by what the fake knows of them). */
  ok: number;
  reportedBilled: {
    withJob: number;
    neverReceived: number;
    /** For each item answered (no bill) just before the kill: the ms from that answer to the kill. */
    answeredJustBeforeKill: number[];
    violations: string[];
  };
  /** Other failures (not billed). */
  otherFailures: string[];
  ms: number;
}

/** A reported-billed item whose last answer came this long before the kill should have been recorded. */
const RECORD_WINDOW = 250;

function childScript(c: TrialConfig): string {
  return `
    import { createClientWithInternals } from ${JSON.stringify(join(ROOT, 'src/client.js'))};
    const client = createClientWithInternals(
      { apiKey: ${JSON.stringify(KEY)}, baseURL: process.env.URL, logLevel: 'off', maxRetries: 6,
        ${c.clientLimit ? `rateLimit: { requestsPerMinute: ${c.clientLimit} },` : ''} },
      { rateLimitWindowMs: ${c.window} },
    );
    const params = Array.from({ length: ${c.items} }, (_, i) => ({ prompt: 'item' + i }));
    console.log('start');
    for await (const item of client.batch('fast-flux-schnell', params, { concurrency: ${c.concurrency}, journal: process.env.JOURNAL })) {
      console.log('done ' + item.index);
    }
    console.log('finished');
  `;
}

/** Runs one trial: first run killed at `kill`, then the rerun to the end. */
export async function killTrial(c: TrialConfig, kill: KillPoint): Promise<TrialResult> {
  const started = Date.now();
  const server = await createMockServer({
    queueTime: 10,
    jobDuration: (p) => c.jobDuration * (0.5 + (Number(String(p.prompt).slice(4)) % 5) / 4),
    ...(c.serverLimit ? { rateLimit: { requestsPerMinute: c.serverLimit, window: c.window } } : {}),
  });
  try {
    for (const status of c.faults ?? []) server.inject({ status, match: { method: 'POST' } });
    const journal = join(await mkdtemp(join(tmpdir(), 'segmind-kill-')), 'run.jsonl');
    const child = spawnNode(['--input-type=module', '-e', childScript(c)], {
      env: { URL: server.url, JOURNAL: journal },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let killedAt = 0;
    let startedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const killNow = () => {
      if (killedAt) return;
      killedAt = Date.now();
      child.kill('SIGKILL');
    };
    const exited = once(child, 'exit');
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const done = (output.match(/^done /gm) ?? []).length;
      if (!startedAt && /^start/m.test(output)) startedAt = Date.now();
      if (timer) return;
      if ('at' in kill ? startedAt : done >= kill.done) {
        timer = setTimeout(killNow, 'at' in kill ? kill.at : kill.delay);
      }
    });
    await exited;
    clearTimeout(timer);
    const firstRunMs = Date.now() - (startedAt || started);
    const finishedFirst = /^finished/m.test(output);
    killedAt ||= Date.now();
    const yieldedBeforeKill = (output.match(/^done /gm) ?? []).length;

    // The rerun, in this process, to the end.
    const client = createClientWithInternals(
      {
        apiKey: KEY,
        baseURL: server.url,
        logLevel: 'off',
        maxRetries: 6,
        ...(c.clientLimit ? { rateLimit: { requestsPerMinute: c.clientLimit } } : {}),
      },
      { rateLimitWindowMs: c.window },
    );
    const params = Array.from({ length: c.items }, (_, i) => ({ prompt: `item${i}` }));
    const items = await client
      .batch('fast-flux-schnell', params, { concurrency: c.concurrency, journal })
      .all();
    await client.close();
    if (items.length !== c.items) throw new Error(`the rerun yielded ${items.length} of ${c.items} items`);
    return {
      ...judge(server, items, killedAt),
      config: c.name,
      finishedFirst,
      yieldedBeforeKill,
      firstRunMs,
      ms: Date.now() - started,
    };
  } finally {
    await server.close();
  }
}

function judge(
  server: MockServer,
  items: BatchItem<{ prompt: string }, unknown>[],
  killedAt: number,
): Omit<TrialResult, 'config' | 'finishedFirst' | 'yieldedBeforeKill' | 'firstRunMs' | 'ms'> {
  const jobs = new Map<string, number>();
  for (const job of server.jobs.values()) {
    const p = String(job.params.prompt);
    jobs.set(p, (jobs.get(p) ?? 0) + 1);
  }
  const postsFor = (prompt: string) =>
    server.requests.filter(
      (r) => r.method === 'POST' && (r.json as { prompt?: unknown } | undefined)?.prompt === prompt,
    );
  const reportedBilled = {
    withJob: 0,
    neverReceived: 0,
    answeredJustBeforeKill: [] as number[],
    violations: [] as string[],
  };
  const otherFailures: string[] = [];
  let ok = 0;
  for (const item of items) {
    if (item.ok) {
      ok++;
      continue;
    }
    const prompt = item.params.prompt;
    if (!(item.error instanceof ConnectionError && item.error.requestSent)) {
      otherFailures.push(`${prompt}: ${item.error.name}: ${item.error.message}`);
      continue;
    }
    if (jobs.has(prompt)) {
      reportedBilled.withJob++;
      continue;
    }
    // No job: every POST for it was answered without billing. Was the last answer in before the kill?
    const before = postsFor(prompt).filter((r) => r.at <= killedAt);
    const last = before[before.length - 1];
    if (!last) reportedBilled.neverReceived++;
    else if (killedAt - last.at <= RECORD_WINDOW)
      reportedBilled.answeredJustBeforeKill.push(killedAt - last.at);
    else
      reportedBilled.violations.push(
        `${prompt}: reported may-have-been-billed, but its last POST was answered without billing ${killedAt - last.at} ms before the kill`,
      );
  }
  return {
    billed: server.jobs.size,
    mostForOneItem: Math.max(0, ...jobs.values()),
    posts: server.requests.filter((r) => r.method === 'POST').length,
    ok,
    reportedBilled,
    otherFailures,
  };
}

/** What breaks the promise in a trial's result, in words; empty when it held. */
export function problemsOf(c: TrialConfig, r: TrialResult): string[] {
  const problems: string[] = [];
  if (r.billed > c.items) problems.push(`${r.billed} jobs billed for ${c.items} items`);
  if (r.mostForOneItem > 1) problems.push(`an item was billed ${r.mostForOneItem} times`);
  problems.push(...r.reportedBilled.violations);
  return problems;
}

/** The trial configurations: a fake's limit paced by 429s, the client's own limit, and injected faults. */
export const CONFIGS: TrialConfig[] = [
  {
    name: '429s (no client limit)',
    items: 24,
    concurrency: 6,
    serverLimit: 6,
    window: 400,
    jobDuration: 150,
  },
  {
    name: 'client limit',
    items: 24,
    concurrency: 6,
    clientLimit: 6,
    serverLimit: 6,
    window: 400,
    jobDuration: 150,
  },
  {
    name: 'injected 429/503s',
    items: 24,
    concurrency: 4,
    faults: [429, 503, 429, 500],
    window: 400,
    jobDuration: 200,
  },
];
