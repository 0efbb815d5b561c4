// Per-runtime section: in Bun and Deno, sequential runSync over the fetch transport against a raw
// `fetch` loop doing the same POST, in the same process, in interleaved rounds (target ≥ 0.9×).
// Standalone: `npx tsx bench/runtime-throughput.ts [--requests 300] [--rounds 7] [bun|deno ...]`
// (run `npm run build` first: the packed package is what runs, as in test/runtimes/harness.mjs).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module without types
import { stagePackage } from '../test/runtimes/harness.mjs';
import { ROOT, startServer } from './support.js';

const SCRIPT = `
import { SegmindClient } from 'segmind';
const [url, requestsArg, roundsArg] = globalThis.Deno?.args ?? process.argv.slice(2);
const requests = Number(requestsArg), rounds = Number(roundsArg);
const params = { prompt: 'a tiger', width: 512, height: 512 };
const client = new SegmindClient({ apiKey: 'SG_0000000000000000', baseURL: url, logLevel: 'off' });
const raw = async () => {
  const res = await fetch(url + '/v1/flux-schnell', {
    method: 'POST',
    headers: { 'x-api-key': 'SG_0000000000000000', 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  if (res.status !== 200) throw new Error('status ' + res.status);
  await res.arrayBuffer();
};
const sdk = () => client.runSync('flux-schnell', params);
const time = async (fn) => {
  const t = performance.now();
  for (let i = 0; i < requests; i++) await fn();
  return (requests / (performance.now() - t)) * 1000;
};
await time(raw); await time(sdk); // warm both
const samples = { sdk: [], fetch: [] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ['fetch', 'sdk'] : ['sdk', 'fetch']) samples[name].push(await time(name === 'sdk' ? sdk : raw));
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(JSON.stringify({ sdk: median(samples.sdk), fetch: median(samples.fetch) }));
`;

export interface RuntimeThroughput {
  runtime: string;
  /** Requests per second, median of the rounds. */
  sdk: number;
  fetch: number;
  /** sdk / fetch: the target is ≥ 0.9. */
  ratio: number;
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`))));
  });
}

export async function measureRuntimeThroughput(
  url: string,
  runtimes: string[],
  requests: number,
  rounds: number,
): Promise<RuntimeThroughput[]> {
  const dir: string = stagePackage();
  writeFileSync(join(dir, 'throughput.mjs'), SCRIPT);
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  const out: RuntimeThroughput[] = [];
  try {
    for (const runtime of runtimes) {
      const args = [url, String(requests), String(rounds)];
      const stdout =
        runtime === 'deno'
          ? await run(
              bin('deno'),
              ['run', '--allow-net=127.0.0.1', `--allow-read`, 'throughput.mjs', ...args],
              dir,
            )
          : await run(bin(runtime), ['throughput.mjs', ...args], dir);
      const { sdk, fetch } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { sdk: number; fetch: number };
      out.push({ runtime, sdk, fetch, ratio: sdk / fetch });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const requests = option('--requests', 300);
  const rounds = option('--rounds', 7);
  const runtimes = args.length ? args : ['bun', 'deno'];
  const server = await startServer();
  try {
    for (const r of await measureRuntimeThroughput(server.url, runtimes, requests, rounds)) {
      console.log(
        `${r.runtime.padEnd(5)} runSync ${r.sdk.toFixed(0)} req/s, raw fetch ${r.fetch.toFixed(0)} req/s: ${r.ratio.toFixed(2)}× (target ≥ 0.9×)`,
      );
    }
  } finally {
    server.stop();
  }
}
