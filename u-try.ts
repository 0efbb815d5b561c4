import { createInterface } from 'node:readline';
import { spawnNode, ROOT } from './test/support/child.js';
import { SegmindClient } from './bench/sdk.js';
const script = `const { createMockServer } = await import(${JSON.stringify(`${ROOT}dist/testing.js`)}); const s = await createMockServer({}); console.log(JSON.stringify({ url: s.url }));`;
const child = spawnNode(['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
const url = JSON.parse(line).url;
const photo = new Uint8Array(1024 * 1024); photo.set([0xff, 0xd8, 0xff, 0xe0]);
let total = 0;
for (let r = 0; r < 20; r++) {
  const c = new SegmindClient({ apiKey: 'SG_x', baseURL: url, logLevel: 'off' });
  await c.files.upload(new Uint8Array([0xff, 0xd8, 0xff, 0, r]));
  const p = new Uint8Array(photo); p[100] = r;
  const cpu = process.cpuUsage();
  await c.files.upload(p);
  const u = process.cpuUsage(cpu);
  if (r >= 5) total += u.user + u.system;
  await c.close();
}
console.log('client cpu per 1 MiB upload', (total / 15 / 1000).toFixed(2), 'ms');
child.kill();
