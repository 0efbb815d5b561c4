// Cold start to the first image: in a fresh Node process each time, the time from process start
// (`performance.now()` counts from it) to the first `runSync` image in hand, against the loopback
// bench server; the SDK next to a hand-written `fetch` script doing the same POST. Median of N.
// Standalone: `npx tsx bench/cold-start-first-image.ts [--runs 10] [--package <dir>]` (builds nothing:
// run `npm run build` first); `npm run bench` calls measureFirstImage() in its cold-start section.
import { execFileSync } from 'node:child_process';
import { ROOT, startServer, summary } from './support.js';

const PARAMS = { prompt: 'a tiger on mars', width: 512, height: 512 };

/** What each contender runs, as an ES module given to `node -e`; it prints ms since process start. */
export const SCRIPTS = {
  segmind: (url: string) => `
    import { SegmindClient } from 'segmind';
    const client = new SegmindClient({ apiKey: 'SG_0000000000000000', baseURL: ${JSON.stringify(url)} });
    const image = await client.runSync('flux-schnell', ${JSON.stringify(PARAMS)});
    const t = performance.now();
    const cpu = process.cpuUsage();
    if (!(image.data.length > 0)) throw new Error('no image');
    console.log(t, (cpu.user + cpu.system) / 1000);`,
  fetch: (url: string) => `
    const res = await fetch(${JSON.stringify(`${url}/v1/flux-schnell`)}, {
      method: 'POST',
      headers: { 'x-api-key': 'SG_0000000000000000', 'content-type': 'application/json' },
      body: JSON.stringify(${JSON.stringify(PARAMS)}),
    });
    if (res.status !== 200) throw new Error('status ' + res.status);
    const data = new Uint8Array(await res.arrayBuffer());
    const t = performance.now();
    const cpu = process.cpuUsage();
    if (!(data.length > 0)) throw new Error('no image');
    console.log(t, (cpu.user + cpu.system) / 1000);`,
} as const;

export type Contender = keyof typeof SCRIPTS;

/** ms from process start to the first image in hand: wall (`performance.now()`) and CPU (user + system). */
function firstImageAt(
  contender: Contender,
  url: string,
  cwd: string,
  node: string,
): { wall: number; cpu: number } {
  const out = execFileSync(node, ['--input-type=module', '-e', SCRIPTS[contender](url)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SEGMIND_LOG: 'off' },
  });
  const [wall, cpu] = out.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}

export interface FirstImageFigures {
  runs: number;
  /** Wall time, process start → first image (ms). */
  segmind: ReturnType<typeof summary>;
  fetch: ReturnType<typeof summary>;
  /** segmind median / fetch median (wall): the target is ≤ 1.3. */
  ratio: number;
  /** CPU time (user + system) by the first image: steadier than wall time on a busy machine. */
  cpu: { segmind: ReturnType<typeof summary>; fetch: ReturnType<typeof summary>; ratio: number };
}

/**
 * Median of `runs` fresh processes per contender, alternating which goes first so neither always
 * runs on a warmer machine. `cwd` is where `segmind` resolves (the repository: its own package).
 */
export function measureFirstImage(
  url: string,
  runs: number,
  cwd: string = ROOT,
  node: string = process.execPath,
): FirstImageFigures {
  const samples: Record<Contender, number[]> = { segmind: [], fetch: [] };
  const cpu: Record<Contender, number[]> = { segmind: [], fetch: [] };
  // One untimed run each, so the OS has the files cached for both.
  firstImageAt('segmind', url, cwd, node);
  firstImageAt('fetch', url, cwd, node);
  for (let i = 0; i < runs; i++) {
    const order: Contender[] = i % 2 ? ['fetch', 'segmind'] : ['segmind', 'fetch'];
    for (const c of order) {
      const at = firstImageAt(c, url, cwd, node);
      samples[c].push(at.wall);
      cpu[c].push(at.cpu);
    }
  }
  const segmind = summary(samples.segmind);
  const fetch = summary(samples.fetch);
  const cpuSegmind = summary(cpu.segmind);
  const cpuFetch = summary(cpu.fetch);
  return {
    runs,
    segmind,
    fetch,
    ratio: segmind.median / fetch.median,
    cpu: { segmind: cpuSegmind, fetch: cpuFetch, ratio: cpuSegmind.median / cpuFetch.median },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const runs = Number(option('--runs') ?? 10);
  const server = await startServer();
  try {
    const r = measureFirstImage(server.url, runs, option('--package') ?? ROOT);
    const ms = (s: { median: number; min: number; max: number }) =>
      `${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
    console.log(`first image in a fresh process, median of ${runs} (node ${process.version})`);
    console.log(`  segmind  ${ms(r.segmind)}`);
    console.log(`  fetch    ${ms(r.fetch)}`);
    console.log(`  ratio    ${r.ratio.toFixed(2)}×  (target ≤ 1.3×)`);
    console.log(
      `  cpu      segmind ${r.cpu.segmind.median.toFixed(1)} ms, fetch ${r.cpu.fetch.median.toFixed(1)} ms: ${r.cpu.ratio.toFixed(2)}×`,
    );
    console.log(JSON.stringify(r));
  } finally {
    server.stop();
  }
}
