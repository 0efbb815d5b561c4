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
      LOCK_MS: '2000',
      SEGMIND_LOG: 'warn',
    };
    const outputs: string[] = ['', '', ''];
    let killedOne: () => void = () => {};
    const killed = new Promise<void>((resolve) => {
      killedOne = resolve;
    });
    for (let i = 0; i < 3; i++) {
      const child = spawnNode([join(ROOT, 'examples/workers/worker.ts')], { env });
      child.stdout?.on('data', (d: Buffer) => {
        outputs[i] += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        outputs[i] += d.toString();
      });
      workers.push(child);
    }
    const total = 18;
    const produced = await runNode([join(ROOT, 'examples/workers/producer.ts'), String(total)], {
      env,
      timeout: 30_000,
    });
    expect(produced.stdout).toMatch(/queued 18 prompts/);
    // Worker 0 dies (SIGKILL) while it waits on jobs whose ids it stored: once every job the fake
    // created has its id stored by some worker, between two windows' submits. (A crash in the
    // instant between a submit's answer and job.updateData() is the documented gap.)
    const poll = setInterval(() => {
      const stored = outputs.join('');
      const ids = [...server.jobs.keys()];
      const posts = server.requests.filter((r) => r.method === 'POST');
      const lastSubmit = Math.max(0, ...posts.map((r) => r.at));
      const worker0 = workers[0]!;
      if (
        /stored /.test(outputs[0]!) &&
        ids.every((id) => stored.includes(id)) &&
        Date.now() - lastSubmit > 150 &&
        worker0.exitCode === null
      ) {
        clearInterval(poll);
        worker0.kill('SIGKILL');
        killedOne();
      }
    }, 20);
    await killed;

    const connection = new Redis(redis!.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const queue = new Queue('segmind-images', { connection });
    try {
      let counts: Record<string, number> = {};
      for (let i = 0; i < 240; i++) {
        counts = await queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
        if ((counts.completed ?? 0) + (counts.failed ?? 0) >= total) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(counts.completed).toBe(total);
      expect(counts.failed).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const submits = server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/'));
    // Each prompt submitted once: the killed worker's job was re-attached by another worker.
    expect(new Set(submits.map((r) => (r.json as { prompt: string }).prompt)).size).toBe(total);
    expect(submits).toHaveLength(total);
    expect(outputs.slice(1).join('')).toMatch(/re-attach /);
    // One shared limit: never more than N + 1 submits in any of the fake's windows.
    for (const w of server.rateLimit!.windows) expect(w.accepted + w.rejected).toBeLessThanOrEqual(7);
  }, 120_000);
});
