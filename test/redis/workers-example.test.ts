import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageJob } from '../../examples/workers/shared.js';
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
  it('three workers share one limit; a worker killed mid-run costs no second bill', async () => {
    const env = {
      REDIS_URL: redis!.url,
      SEGMIND_API_KEY: 'SG_test0000000000000',
      SEGMIND_BASE_URL: server.url,
      SEGMIND_RPM: '6',
      WINDOW_MS: '1000',
      // Short, so a killed worker's jobs come back soon; long enough that a worker starved of CPU
      // by a busy machine keeps its locks (a lapsed lock would hand a live worker's job to another).
      LOCK_MS: '5000',
      SEGMIND_LOG: 'warn',
    };
    const total = 18;
    const outputs: string[] = ['', '', ''];
    const lines = (i: number, word: string) =>
      [...outputs[i]!.matchAll(new RegExp(`^${word} (\\S+)`, 'gm'))].map((m) => m[1]!);
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
    // The kill point, decided on the workers' own output (no timers): the first worker that holds
    // both a job marked but without its request id stored (waiting for its turn under the shared
    // limit, or its submit on the wire) and a job whose id is stored and still running dies
    // (SIGKILL). BullMQ hands both back after the lock lapses: the one with an id must be
    // re-attached, the marked one must fail as "may have been billed", and neither paid again.
    const killed = new Promise<void>((resolve) => {
      onOutput = () => {
        if (victim >= 0) return;
        for (let i = 0; i < 3; i++) {
          const stored = new Set(lines(i, 'stored'));
          const done = new Set(lines(i, 'done'));
          const markedOnly = lines(i, 'marked').filter((job) => !stored.has(job) && !done.has(job));
          const running = [...stored].filter((job) => !done.has(job));
          if (markedOnly.length > 0 && running.length > 0) {
            victim = i;
            workers[i]!.kill('SIGKILL');
            resolve();
            return;
          }
        }
      };
    });
    const produced = await runNode([join(ROOT, 'examples/workers/producer.ts'), String(total)], {
      env,
      timeout: 60_000,
    });
    expect(produced.stdout).toMatch(/queued 18 prompts/);
    await killed;

    const connection = new Redis(redis!.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const queue = new Queue<ImageJob>('segmind-images', { connection });
    let paid: string[] = [];
    try {
      // Every BullMQ job ends: completed, or failed for good.
      for (;;) {
        const counts = await queue.getJobCounts('completed', 'failed');
        if ((counts.completed ?? 0) + (counts.failed ?? 0) >= total) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Paid at most once per prompt, over every attempt of every worker: submits ≤ items.
      paid = [...server.jobs.values()].map((job) => (job.params as { prompt: string }).prompt);
      expect(new Set(paid).size).toBe(paid.length);
      expect(paid.length).toBeLessThanOrEqual(total);
      // The marked jobs of the killed worker failed, named, as may-have-been-billed; nothing else failed.
      const failed = await queue.getFailed();
      expect(failed.length).toBeGreaterThan(0);
      for (const job of failed) {
        expect(job.failedReason).toMatch(
          /^may have been billed: an earlier attempt at ".+" \(since .+\) stopped before storing its request id/,
        );
        expect(job.failedReason).toContain(job.data.prompt);
        expect(job.data.sendingSince).toBeDefined();
        expect(job.data.requestId).toBeUndefined();
      }
      const completed = await queue.getCompleted();
      expect(completed.length + failed.length).toBe(total);
      for (const job of completed) expect(paid).toContain(job.data.prompt);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    // The killed worker's running jobs were finished by the others, by re-attaching.
    const reattached = [0, 1, 2].filter((i) => i !== victim).flatMap((i) => lines(i, 're-attach'));
    expect(reattached.length).toBeGreaterThan(0);
    // Besides the billed submits, only 429s (never billed) reached the fake.
    const submits = server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/'));
    expect(submits).toHaveLength(paid.length + server.rateLimit!.rejected);
    // One shared limit: never more than N + 1 submits in any of the fake's windows.
    for (const w of server.rateLimit!.windows) expect(w.accepted + w.rejected).toBeLessThanOrEqual(7);
  }, 120_000);
});
