import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../src/testing/index.js';
import { ROOT, runNode, spawnNode } from '../support/child.js';
import { type LocalRedis, startRedis } from '../support/redis.js';

let redis: LocalRedis | undefined;
let server: MockServer;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
  server = await createMockServer({
    queueTime: 50,
    jobDuration: 1_500,
    rateLimit: { requestsPerMinute: 6, window: 1_000 },
  });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await server.close();
  await redis?.stop();
});

describe.skipIf(
  !process.env.CI && !(await import('node:child_process')).spawnSync('redis-server', ['--version']).stdout,
)('examples/workers (BullMQ + segmind/redis, real processes)', () => {
  it('three workers share one limit; a killed worker’s job is re-attached, not paid twice', async () => {
    const env = {
      REDIS_URL: redis!.url,
      SEGMIND_API_KEY: 'SG_test0000000000000',
      SEGMIND_BASE_URL: server.url,
      SEGMIND_RPM: '6',
      WINDOW_MS: '1000',
      // Short, so a killed worker's jobs come back soon; long enough that a worker starved of CPU
      // by a busy machine keeps its locks (a lapsed lock would run a live worker's job twice).
      LOCK_MS: '5000',
      SEGMIND_LOG: 'warn',
    };
    const total = 18;
    const outputs: string[] = ['', '', ''];
    const lines = (i: number, word: string) =>
      [...outputs[i]!.matchAll(new RegExp(`^${word} (\\S+)`, 'gm'))].map((m) => m[1]!);
    // Each request id a worker stored in its BullMQ job, by the job id it printed.
    const storedIds = () => new Set(outputs.join('').match(/(?<=^stored \S+ )\S+/gm) ?? []);
    let victim = -1;
    let onOutput: () => void = () => {};
    const ready = Array.from({ length: 3 }, () => ({ resolve: () => {}, promise: Promise.resolve() }));
    for (let i = 0; i < 3; i++) {
      ready[i]!.promise = new Promise<void>((resolve) => {
        ready[i]!.resolve = resolve;
      });
      const child = spawnNode([join(ROOT, 'examples/workers/worker.ts')], { env });
      const collect = (d: Buffer) => {
        outputs[i] += d.toString();
        if (/^worker ready/m.test(outputs[i]!)) ready[i]!.resolve();
        onOutput();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      workers.push(child);
    }
    await Promise.all(ready.map((r) => r.promise));
    // The kill point, decided on the workers' own output (no timers): every prompt has its Segmind
    // job and every job's id is stored, so no submit can be in flight; then the worker holding the
    // most jobs still running dies (SIGKILL). Its jobs come back after the lock lapses, and another
    // worker must re-attach to them, not submit (and pay) again.
    let ended: () => void = () => {};
    const allEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const killed = new Promise<void>((resolve) => {
      onOutput = () => {
        // Every job completed (its worker says so once BullMQ has it), or one failed.
        const done = new Set([0, 1, 2].flatMap((i) => lines(i, 'done')));
        if (done.size >= total || /^failed /m.test(outputs.join(''))) ended();
        if (victim >= 0 || server.jobs.size < total) return;
        const stored = storedIds();
        if (![...server.jobs.keys()].every((id) => stored.has(id))) return;
        const running = [0, 1, 2].map((i) => {
          const done = new Set(lines(i, 'done'));
          return lines(i, 'stored').filter((job) => !done.has(job)).length;
        });
        const most = running.indexOf(Math.max(...running));
        if (running[most] === 0) return;
        victim = most;
        workers[most]!.kill('SIGKILL');
        resolve();
      };
    });
    const produced = await runNode([join(ROOT, 'examples/workers/producer.ts'), String(total)], {
      env,
      timeout: 60_000,
    });
    expect(produced.stdout).toMatch(/queued 18 prompts/);
    await killed;

    const connection = new Redis(redis!.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const queue = new Queue('segmind-images', { connection });
    try {
      await allEnded;
      const counts = await queue.getJobCounts('completed', 'failed');
      expect(counts.completed).toBe(total);
      expect(counts.failed).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    // Paid once per prompt: the fake created exactly one Segmind job for each, and the only POSTs
    // besides those are 429s (never billed).
    const paid = [...server.jobs.values()].map((job) => (job.params as { prompt: string }).prompt);
    expect(paid).toHaveLength(total);
    expect(new Set(paid).size).toBe(total);
    const submits = server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/'));
    expect(submits).toHaveLength(total + server.rateLimit!.rejected);
    // The killed worker's running jobs were finished by the others, by re-attaching.
    const reattached = [0, 1, 2].filter((i) => i !== victim).flatMap((i) => lines(i, 're-attach'));
    expect(reattached.length).toBeGreaterThan(0);
    // One shared limit: never more than N + 1 submits in any of the fake's windows.
    for (const w of server.rateLimit!.windows) expect(w.accepted + w.rejected).toBeLessThanOrEqual(7);
  }, 120_000);
});
