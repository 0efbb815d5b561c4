// 100 prompts through one account's limit, resumable: `npx tsx examples/batch.ts`.
// Runs against the built-in fake (which enforces a 20-per-window limit like Segmind's 429s) unless
// SEGMIND_BASE_URL points elsewhere. Stop it half way (Ctrl-C, kill -9) and run it again: finished
// images are not paid for twice, running jobs are picked up again from run.jsonl.
import { SegmindClient } from 'segmind';
import { createMockServer, type MockServer } from 'segmind/testing';

const COUNT = Number(process.env.COUNT ?? 100);
// A minute is long for a demo: the fake's window (and the client's, below) can be shortened.
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 60_000);

let server: MockServer | undefined;
if (!process.env.SEGMIND_BASE_URL) {
  server = await createMockServer({
    queueTime: 50,
    jobDuration: 200,
    rateLimit: { requestsPerMinute: 20, window: WINDOW_MS },
  });
}

const client = new SegmindClient({
  apiKey: process.env.SEGMIND_API_KEY || 'SG_demo0000000000000',
  baseURL: process.env.SEGMIND_BASE_URL || server?.url,
  // Your plan's limit (Pro: 50/minute). Calls over it wait their turn; none fails for it. (With
  // the demo's shortened WINDOW_MS the fake's 429s pace the client instead: each one pauses every
  // request until the fake's window resets, and nothing fails for it either.)
  rateLimit: WINDOW_MS === 60_000 ? { requestsPerMinute: 20, concurrency: 8 } : { concurrency: 8 },
});

const prompts = Array.from({ length: COUNT }, (_, i) => ({ prompt: `a lighthouse at dusk, study ${i + 1}` }));
const batch = client.batch('fast-flux-schnell', prompts, {
  concurrency: 8,
  journal: process.env.JOURNAL ?? 'run.jsonl',
  onProgress: (p) =>
    process.stderr.write(
      `\r${p.succeeded + p.failed}/${p.total} done, ${p.running} running, ${p.failed} failed `,
    ),
});

let failed = 0;
for await (const item of batch) {
  if (item.ok) console.log(`#${item.index} ${item.requestId} → ${String(item.value.output)}`);
  else {
    failed++;
    console.log(`#${item.index} failed: ${item.error.name}: ${item.error.message}`);
  }
}
process.stderr.write('\n');
console.log(
  `${COUNT - failed} images, ${failed} failed${server ? `, ${server.rateLimit?.rejected} 429s from the fake` : ''}`,
);
await server?.close();
