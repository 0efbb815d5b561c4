// Section 3, in a fresh process: peak RSS growth of one large operation, after a warm-up call.
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { SegmindClient } from './sdk.js';

const [mode, url, size] = process.argv.slice(2) as [
  'bytes' | 'base64' | 'download' | 'download-floor',
  string,
  string,
];
const agent = new Agent();
const client = new SegmindClient({ apiKey: 'SG_bench0000000000000', baseURL: url, logLevel: 'off' });
const file = join(tmpdir(), `segmind-bench-${process.pid}.bin`);

// Warm-up: undici builds its parser and the pool on the first request, and V8 compiles the paths
// this operation takes (with a 2 MiB payload), so the measurement sees only the payload's cost.
await client.runSync('flux-schnell', { prompt: 'warm up' });
for (let i = 0; i < 3; i++) {
  await client.runSync('bench-bytes-2m', { prompt: 'x' });
  await client.runSync('bench-base64-2m', { prompt: 'x' });
}
await client.downloadToFile(`${url}/outputs/stream-1`, file);
await pipeline(
  (await request(`${url}/outputs/stream-1`, { dispatcher: agent })).body,
  createWriteStream(file),
);
const before = process.resourceUsage().maxRSS * 1024;
let bytes = 0;
if (mode === 'bytes')
  bytes = ((await client.runSync('bench-bytes-16m', { prompt: 'x' })) as { data: Uint8Array }).data.length;
if (mode === 'base64')
  bytes = ((await client.runSync('bench-base64-16m', { prompt: 'x' })) as { data: Uint8Array }).data.length;
if (mode === 'download') bytes = (await client.downloadToFile(`${url}/outputs/stream-${size}`, file)).size;
if (mode === 'download-floor') {
  // The floor: undici straight into a file stream, no SDK.
  await pipeline(
    (await request(`${url}/outputs/stream-${size}`, { dispatcher: agent })).body,
    createWriteStream(file),
  );
  bytes = Number(size) * 1024 * 1024;
}
const growth = process.resourceUsage().maxRSS * 1024 - before;
rmSync(file, { force: true });
await client.close();
await agent.close();
console.log(JSON.stringify({ mode, bytes, growth }));
