// Per-runtime section (4c): in Bun and Deno, sequential runSync against a raw `fetch` loop doing the
// same POST, in the same process, in interleaved rounds (targets: Bun ≥ 0.9×, Deno ≥ 0.85×). Bun
// loads the fetch build; Deno loads the Node build and sends through undici (run with --allow-env,
// which undici needs there), and its fetch transport (the `fetch` option: one connection per billable
// POST, so Deno cannot re-send it) is measured beside it.
// Standalone: `npx tsx bench/runtime-throughput.ts [--requests 200] [--rounds 15] [bun|deno ...]`
// (run `npm run build` first: the packed package is what runs, as in test/runtimes/harness.mjs).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module without types
import { stagePackage } from '../test/runtimes/harness.mjs';
import { ROOT, startServer } from './support.js';

const SCRIPT = `
import { SegmindClient } from 'segmind';
const [url, requestsArg, roundsArg, contendersArg] = globalThis.Deno?.args ?? process.argv.slice(2);
const requests = Number(requestsArg), rounds = Number(roundsArg);
const params = { prompt: 'a tiger', width: 512, height: 512 };
const options = { apiKey: 'SG_0000000000000000', baseURL: url, logLevel: 'off' };
const client = new SegmindClient(options);
const fetchClient = new SegmindClient({ ...options, fetch: globalThis.fetch });
const all = {
  fetch: async () => {
    const res = await fetch(url + '/v1/flux-schnell', {
      method: 'POST',
      headers: { 'x-api-key': 'SG_0000000000000000', 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    if (res.status !== 200) throw new Error('status ' + res.status);
    await res.arrayBuffer();
  },
  sdk: () => client.runSync('flux-schnell', params),
  'sdk-fetch': () => fetchClient.runSync('flux-schnell', params),
};
const names = contendersArg.split(',');
const time = async (fn) => {
  const t = performance.now();
  for (let i = 0; i < requests; i++) await fn();
  return (requests / (performance.now() - t)) * 1000;
};
for (const name of names) await time(all[name]); // warm every contender
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  // A different order each round, so no contender always runs right after the same one.
  const order = names.map((name, i) => [name, (i * 7 + r * 3) % 11]).sort((a, b) => a[1] - b[1]);
  for (const [name] of order) samples[name].push(await time(all[name]));
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const out = {};
for (const name of names) {
  out[name] = { rps: median(samples[name]), ratio: median(samples[name].map((v, i) => v / samples.fetch[i])) };
}
console.log(JSON.stringify(out));
`;

/**
 * Per runtime, the processes to run (each a list of contenders measured against each other) and the
 * flags. Deno's fetch transport opens a connection per POST: it runs in a process of its own, so its
 * sockets and clients do not weigh on the default transport's figure.
 */
const RUNTIMES: Record<string, { processes: string[][]; command: (bin: string) => [string, string[]] }> = {
  bun: { processes: [['sdk', 'fetch']], command: (bin) => [bin, []] },
  deno: {
    processes: [
      ['sdk', 'fetch'],
      ['sdk-fetch', 'fetch'],
    ],
    command: (bin) => [bin, ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env']],
  },
};

export interface RuntimeThroughput {
  runtime: string;
  /** Requests per second of runSync (the runtime's default transport), median of the rounds. */
  sdk: number;
  /** Requests per second of the raw fetch loop, median of the rounds. */
  fetch: number;
  /** sdk / fetch, the median of the per-round ratios: the target is ≥ 0.9 (Bun), ≥ 0.85 (Deno). */
  ratio: number;
  /**
   * Every contender measured, by name (`sdk-fetch`: runSync with the `fetch` option), each ratio
   * against the raw fetch loop of its own process.
   */
  contenders: Record<string, { rps: number; ratio: number }>;
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
      const setup = RUNTIMES[runtime];
      if (!setup) throw new Error(`unknown runtime ${runtime} (one of ${Object.keys(RUNTIMES).join(', ')})`);
      const [command, flags] = setup.command(bin(runtime));
      const contenders: RuntimeThroughput['contenders'] = {};
      for (const names of setup.processes) {
        const stdout = await run(
          command,
          [...flags, 'throughput.mjs', url, String(requests), String(rounds), names.join(',')],
          dir,
        );
        const measured = JSON.parse(stdout.trim().split('\n').at(-1)!) as RuntimeThroughput['contenders'];
        // The raw fetch loop of the first process is the one reported.
        for (const [name, figures] of Object.entries(measured)) contenders[name] ??= figures;
      }
      const { sdk, fetch } = contenders as Record<'sdk' | 'fetch', { rps: number; ratio: number }>;
      out.push({ runtime, sdk: sdk.rps, fetch: fetch.rps, ratio: sdk.ratio, contenders });
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
  const requests = option('--requests', 200);
  const rounds = option('--rounds', 15);
  const runtimes = args.length ? args : ['bun', 'deno'];
  const server = await startServer();
  try {
    for (const r of await measureRuntimeThroughput(server.url, runtimes, requests, rounds)) {
      const target = r.runtime === 'deno' ? 0.85 : 0.9;
      for (const [name, c] of Object.entries(r.contenders)) {
        const goal = name === 'sdk' ? ` (target ≥ ${target}×)` : '';
        console.log(
          `${r.runtime.padEnd(5)} ${name.padEnd(9)} ${c.rps.toFixed(0).padStart(6)} req/s  ${c.ratio.toFixed(2)}× fetch${goal}`,
        );
      }
    }
  } finally {
    server.stop();
  }
}
