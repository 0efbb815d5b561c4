// `npm run bench [-- --quick] [-- --json <file>]`: the SDK against its baselines, in one run.
// Every figure is a ratio to a baseline measured in the same run: these machines are noisy.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fmt, ROOT, runChild, startServer, summary, table } from './support.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;

interface Target {
  section: string;
  name: string;
  value: number;
  /** Human-readable target, e.g. "≥ 0.85×". */
  target: string;
  met: boolean;
}
const targets: Target[] = [];
const figures: Record<string, unknown> = {};
const check = (section: string, name: string, value: number, target: string, met: boolean) => {
  targets.push({ section, name, value, target, met });
  return met ? 'met' : 'MISSED';
};
/** What a measurement would have to read for its target to fail: the target turned around. */
const failsWhen = (target: string) => {
  const turned: Record<string, string> = { '≥': '<', '≤': '>', '>': '≤', '<': '≥' };
  const op = target[0]!;
  return op in turned ? `${turned[op]}${target.slice(1)}` : `≠ ${target}`;
};
const x = (n: number) => `${fmt(n, 2)}×`;
const MiB = 1024 * 1024;

console.log(`segmind bench${quick ? ' (quick smoke: small counts, targets not meaningful)' : ''}`);
console.log(
  `node ${process.version}, ${cpus().length} cores, ${fmt(totalmem() / 1024 ** 3, 1)} GiB, ${new Date().toISOString()}\n`,
);
execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

/**
 * One fresh process of section 3 (plain node, no TypeScript loader): how far its resident set rose
 * over the operation, in bytes. Flags and allocator setting as bench/memory-child.mjs explains.
 */
function memoryGrowth(mode: string, url: string, size: string): number {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--single-threaded-gc',
      '--max-semi-space-size=1',
      `${ROOT}bench/memory-child.mjs`,
      mode,
      url,
      size,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' } },
  );
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { growth: number }).growth;
}

const { CONTENDERS, measureThroughput } = await import('./throughput.js');
const { measurePolling } = await import('./polling.js');
const { measureColdStart } = await import('./cold-start.js');
const server = await startServer();

try {
  // 1. Sync call overhead.
  const rows: string[][] = [];
  for (const concurrency of [1, 32]) {
    // Many short interleaved rounds: drift on a shared machine then hits every contender alike.
    const requests = quick ? 100 : concurrency === 1 ? 250 : 2000;
    const result = await measureThroughput(
      server.url,
      concurrency,
      requests,
      quick ? 1 : concurrency === 1 ? 15 : 7,
    );
    figures[`throughput_c${concurrency}`] = result;
    const med = (c: (typeof CONTENDERS)[number]) => result.perContender[c].median;
    const sdk = med('segmind');
    for (const c of CONTENDERS) {
      const s = result.perContender[c];
      rows.push([
        String(concurrency),
        c,
        fmt(s.median),
        `${fmt(s.min)}–${fmt(s.max)}`,
        x(sdk / s.median),
        '',
        '',
      ]);
    }
    const floorOverFetch = med('undici (floor)') / med('fetch');
    const floorOverOpenai = med('undici (floor)') / med('openai-node');
    rows[rows.length - 4]![5] = '≥ 0.85×';
    rows[rows.length - 4]![6] = check(
      'sync',
      `c=${concurrency} vs floor`,
      sdk / med('undici (floor)'),
      '≥ 0.85×',
      sdk / med('undici (floor)') >= 0.85,
    );
    if (concurrency === 1) {
      // One call at a time, each waiting for the other process's answer: the ratio to fetch or
      // openai is bounded by the floor's own ratio and moves with scheduling on shared cores.
      // Context, not targets; the floor row above is what the SDK answers for at c=1.
      rows[rows.length - 2]![5] = `(context; floor: ${x(floorOverFetch)})`;
      rows[rows.length - 1]![5] = `(context; floor: ${x(floorOverOpenai)})`;
    } else {
      rows[rows.length - 2]![5] = `≥ 2.5× (floor: ${x(floorOverFetch)})`;
      rows[rows.length - 2]![6] = check(
        'sync',
        `c=${concurrency} vs fetch`,
        sdk / med('fetch'),
        '≥ 2.5×',
        sdk / med('fetch') >= 2.5,
      );
      rows[rows.length - 1]![5] = `≥ 3× (floor: ${x(floorOverOpenai)})`;
      rows[rows.length - 1]![6] = check(
        'sync',
        `c=${concurrency} vs openai-node`,
        sdk / med('openai-node'),
        '≥ 3×',
        sdk / med('openai-node') >= 3,
      );
    }
  }
  console.log(
    '1. Sync call overhead: runSync(flux-schnell), 100 KiB image, requests/s (median of interleaved rounds)',
  );
  console.log(table(['conc', 'client', 'req/s', 'min–max', 'segmind ÷ this', 'target', ''], rows), '\n');

  // 2. Time to image.
  const jobs = quick ? 6 : 60;
  const duration = quick ? 300 : 2000;
  const [baseline, sdk] = await Promise.all([
    measurePolling(server.url, 'fixed 1 s (Python SDK)', jobs, quick ? 3 : 6, duration),
    measurePolling(server.url, 'segmind default', jobs, quick ? 3 : 6, duration),
  ]);
  figures.polling = { baseline, sdk };
  const delayRatio = sdk.delay.median / baseline.delay.median;
  const pollRatio = sdk.polls.mean / baseline.polls.mean;
  console.log(
    `2. Time to image: ${jobs} v2 jobs of ${duration} ms ± 20 % after a 100–300 ms queue, 6 at a time`,
  );
  console.log(
    table(
      ['policy', 'added delay median (min–max) ms', 'status polls/job mean (min–max)', 'max polls/s'],
      [baseline, sdk].map((r) => [
        r.policy,
        `${fmt(r.delay.median)} (${fmt(r.delay.min)}–${fmt(r.delay.max)})`,
        `${fmt(r.polls.mean, 2)} (${r.polls.min}–${r.polls.max})`,
        fmt(r.maxPollRate, 1),
      ]),
    ),
  );
  console.log(
    table(
      ['measure', 'value', 'target', ''],
      [
        [
          'added delay ÷ baseline',
          x(delayRatio),
          '≤ 0.33×',
          check('polling', 'added delay ÷ baseline', delayRatio, '≤ 0.33×', delayRatio <= 1 / 3),
        ],
        [
          'status polls ÷ baseline',
          x(pollRatio),
          '≤ 1.5×',
          check('polling', 'polls ÷ baseline', pollRatio, '≤ 1.5×', pollRatio <= 1.5),
        ],
        [
          'max polls per second, one job',
          fmt(sdk.maxPollRate, 1),
          '≤ 10',
          check('polling', 'max polls/s', sdk.maxPollRate, '≤ 10', sdk.maxPollRate <= 10.05),
        ],
      ],
    ),
    '\n',
  );

  // 3. Memory: fresh processes with the same warm-up, some performing the operation and some not
  // (bench/memory-child.mjs); the operation's cost is the difference of their medians.
  const memoryRuns = quick ? 1 : 5;
  const downloadSize = quick ? '32' : '256';
  const payload = 16 * MiB;
  const modes = ['none', 'bytes', 'bytes-extra-copy', 'base64', 'download', 'download-floor'] as const;
  type Mode = (typeof modes)[number];
  const samples = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<Mode, number[]>;
  for (let i = 0; i < memoryRuns; i++) {
    // Interleaved, so a slow stretch of the machine lands on every mode alike.
    for (const mode of modes) samples[mode].push(memoryGrowth(mode, server.url, downloadSize));
  }
  const none = summary(samples.none);
  const cost = (mode: Mode) => {
    const s = summary(samples[mode]);
    return { median: s.median - none.median, min: s.min - none.median, max: s.max - none.median };
  };
  const bytes = cost('bytes');
  const extraCopy = cost('bytes-extra-copy');
  const base64 = cost('base64');
  const download = cost('download');
  const floor = cost('download-floor');
  figures.memory = { runs: memoryRuns, none, bytes, extraCopy, base64, download, downloadFloor: floor };
  const mib = (g: { median: number; min: number; max: number }) =>
    `${fmt(g.median / MiB, 1)} (${fmt(g.min / MiB, 1)}–${fmt(g.max / MiB, 1)}) MiB`;
  console.log(
    `3. Memory: peak resident set of ${memoryRuns} fresh process(es) per operation, minus that of processes that did the same warm-up and no operation (median)`,
  );
  const bytesRatio = bytes.median / payload;
  const copyRatio = extraCopy.median / payload;
  const base64Ratio = base64.median / payload;
  const overFloor = (download.median - floor.median) / MiB;
  console.log(
    table(
      ['operation', 'peak RSS growth (min–max)', 'ratio', 'target', ''],
      [
        [
          'warm-up only (the baseline)',
          mib({ median: 0, min: none.min - none.median, max: none.max - none.median }),
          '',
          '(subtracted)',
          '',
        ],
        [
          'runSync, 16 MiB image bytes',
          mib(bytes),
          x(bytesRatio),
          '≤ 2.5×',
          check('memory', 'runSync bytes', bytesRatio, '≤ 2.5×', bytesRatio <= 2.5),
        ],
        [
          '  the same with one extra copy injected',
          mib(extraCopy),
          x(copyRatio),
          'caught: > 2.5×',
          check('memory', 'injected extra copy is caught', copyRatio, '> 2.5×', copyRatio > 2.5) === 'met'
            ? 'misses ≤ 2.5×, as it must'
            : 'PASSES ≤ 2.5×: the section cannot catch a copy',
        ],
        [
          'runSync, 16 MiB as {"image": base64}',
          mib(base64),
          x(base64Ratio),
          '≤ 3.5×',
          check('memory', 'runSync base64', base64Ratio, '≤ 3.5×', base64Ratio <= 3.5),
        ],
        [
          `downloadToFile, ${downloadSize} MiB`,
          mib(download),
          `floor ${overFloor < 0 ? '−' : '+'} ${fmt(Math.abs(overFloor), 1)} MiB`,
          '≤ floor + 16 MiB',
          check('memory', 'downloadToFile over the floor', overFloor, '≤ 16 MiB', overFloor <= 16),
        ],
        [`raw undici → file (floor), ${downloadSize} MiB`, mib(floor), '', '(context)', ''],
      ],
    ),
    '\n',
  );

  // 4. Cold start.
  const cold = measureColdStart(quick ? 2 : 10);
  figures.coldStart = cold;
  const coldRatio = cold.segmind.median / cold.openai.median;
  console.log(`4. Cold start: import() in a fresh process, median of ${cold.runs}`);
  console.log(
    table(
      ['package', 'median ms', 'min–max ms', 'segmind ÷ openai', 'target', ''],
      [
        [
          'segmind',
          fmt(cold.segmind.median, 1),
          `${fmt(cold.segmind.min, 1)}–${fmt(cold.segmind.max, 1)}`,
          x(coldRatio),
          '≤ 1.0×',
          check('cold start', 'segmind ÷ openai', coldRatio, '≤ 1.0×', coldRatio <= 1),
        ],
        [
          'openai',
          fmt(cold.openai.median, 1),
          `${fmt(cold.openai.min, 1)}–${fmt(cold.openai.max, 1)}`,
          '',
          '',
          '',
        ],
      ],
    ),
    '\n',
  );

  const { measureFirstImage } = await import('./cold-start-first-image.js');
  const { measureRuntimeThroughput } = await import('./runtime-throughput.js');
  // 4b. First image in a fresh process (serverless cold start).
  const first = measureFirstImage(server.url, quick ? 2 : 10);
  figures.firstImage = first;
  console.log(`4b. First image: process start → first runSync image, fresh process, median of ${first.runs}`);
  console.log(
    table(
      ['contender', 'median ms', 'min–max ms', 'cpu ms', 'sdk ÷ fetch', 'target', ''],
      [
        [
          'segmind',
          fmt(first.segmind.median, 1),
          `${fmt(first.segmind.min, 1)}–${fmt(first.segmind.max, 1)}`,
          fmt(first.cpu.segmind.median, 1),
          x(first.ratio),
          '≤ 1.3×',
          check('first image', 'segmind ÷ fetch script', first.ratio, '≤ 1.3×', first.ratio <= 1.3),
        ],
        [
          'fetch script',
          fmt(first.fetch.median, 1),
          `${fmt(first.fetch.min, 1)}–${fmt(first.fetch.max, 1)}`,
          fmt(first.cpu.fetch.median, 1),
          '',
          '',
          '',
        ],
      ],
    ),
    '\n',
  );

  // 4c. Bun and Deno: runSync over the fetch transport against a raw fetch loop, same runtime.
  // Rounds of one loopback request at a time vary by ±10 % on this kind of machine (the runtime's
  // HTTP thread and the server share two cores): 21 rounds make the median stable to about ±2 %.
  const perRuntime = await measureRuntimeThroughput(
    server.url,
    ['bun', 'deno'],
    quick ? 50 : 300,
    quick ? 1 : 21,
  );
  figures.runtimes = perRuntime;
  console.log('4c. Bun and Deno: sequential runSync vs a raw fetch loop in the same runtime');
  console.log(
    table(
      ['runtime', 'runSync req/s', 'fetch req/s', 'ratio', 'target', ''],
      perRuntime.map((r) => {
        // Deno's billable POSTs go over connections never reused (see README "Runtimes"): its floor is lower.
        const min = r.runtime === 'deno' ? 0.85 : 0.9;
        return [
          r.runtime,
          fmt(r.sdk),
          fmt(r.fetch),
          x(r.ratio),
          `≥ ${min}×`,
          check('runtimes', `${r.runtime} runSync ÷ fetch`, r.ratio, `≥ ${min}×`, r.ratio >= min),
        ];
      }),
    ),
    '\n',
  );

  // 5. Scale.
  const count = quick ? 100 : 1000;
  const scale = await runChild<{
    jobs: number;
    errors: number;
    firstError?: string;
    wall: number;
    sockets: number;
    fetchSockets: number;
    peakRss: number;
  }>(`${ROOT}bench/scale-child.ts`, [server.url, String(count)]);
  figures.scale = scale;
  console.log(`5. Scale: ${count} concurrent run() jobs (500 ms ± 20 %) through one client`);
  console.log(
    table(
      ['measure', 'value', 'target', ''],
      [
        [
          'errors',
          String(scale.errors),
          '0',
          check('scale', 'errors', scale.errors, '0', scale.errors === 0),
        ],
        [
          "sockets opened by the client's Agent",
          String(scale.sockets),
          '≤ 64 (the Agent cap)',
          check('scale', 'Agent sockets', scale.sockets, '≤ 64', scale.sockets <= 64),
        ],
        [
          // Node's first requests go through the global fetch while undici loads: one at a time.
          'sockets opened by the cold-start fetch',
          String(scale.fetchSockets),
          '≤ 1',
          check('scale', 'cold-start fetch sockets', scale.fetchSockets, '≤ 1', scale.fetchSockets <= 1),
        ],
        ['wall time', `${fmt(scale.wall)} ms`, '', ''],
        ['peak RSS', `${fmt(scale.peakRss / MiB, 1)} MiB`, '', ''],
      ],
    ),
    scale.firstError ? `\nfirst error: ${scale.firstError}` : '',
    '\n',
  );

  // 6. Many jobs under one account's limit (bench/limits.ts).
  const { runLimitsSection } = await import('./limits-section.js');
  await runLimitsSection({ quick, figures, check });

  // 7. Edge size: one image call bundled for a browser and for a Worker, next to the peers'.
  const { EDGE_BUDGET_BYTES, EDGE_PACKAGES, measureEdgeSizes } = await import('./edge-size.js');
  const edge = await measureEdgeSizes();
  figures.edgeSize = edge;
  const KB = 1024;
  console.log(
    '7. Edge size: an app making one image call, esbuild --bundle --minify, then gzip -9 (KB = 1024 bytes)',
  );
  const edgeRows: string[][] = [];
  for (const [platform, row] of Object.entries(edge)) {
    for (const pkg of EDGE_PACKAGES) {
      const s = row[pkg];
      const ours = pkg === 'segmind';
      edgeRows.push([
        platform === 'browser' ? 'browser' : 'Worker (workerd, worker)',
        pkg,
        s.error ? `(${s.error})` : fmt(s.minified / KB, 1),
        s.error ? '' : fmt(s.gzip / KB, 1),
        s.heaviest.map((h) => `${h.path} ${fmt(h.bytes / KB)}`).join(', '),
        ours ? `≤ ${EDGE_BUDGET_BYTES / KB} KB gzip` : '',
        ours
          ? check(
              'edge size',
              `${platform} bundle gzip KB`,
              s.gzip / KB,
              `≤ ${EDGE_BUDGET_BYTES / KB} KB`,
              s.gzip <= EDGE_BUDGET_BYTES,
            )
          : '',
      ]);
    }
  }
  console.log(
    table(['platform', 'package', 'min KB', 'gzip KB', 'heaviest inputs (KB)', 'target', ''], edgeRows),
    '\n',
  );

  // 8. Image inputs in bulk: one photo edited by many items is uploaded once, at about a submit's cost.
  const { measureUploads } = await import('./uploads.js');
  const up = await measureUploads(quick ? { items: 100, rounds: 3 } : {});
  figures.uploads = up;
  console.log(
    `8. Image inputs: ${up.items} v2 submits editing one ${fmt(up.photoBytes / KB)} KB photo, ${up.concurrency} at a time, ${up.rounds} interleaved rounds`,
  );
  console.log(
    table(
      ['photo passed as', 'wall ms/item', 'client CPU µs/item', '÷ URL (wall)', 'target', ''],
      (['url', 'buffer', 'blob'] as const).map((side) => [
        side === 'url' ? 'URL of an earlier upload (baseline)' : side === 'buffer' ? 'Buffer' : 'Blob',
        fmt(up.sides[side].wallPerItem, 2),
        fmt(up.sides[side].cpuPerItem),
        side === 'url' ? '' : `${fmt(up.sides[side].wallRatio, 2)}×`,
        side === 'url' ? '' : '≤ 1.1×',
        side === 'url'
          ? ''
          : check(
              'uploads',
              `${side} ÷ plain submit (wall)`,
              up.sides[side].wallRatio,
              '≤ 1.1×',
              up.sides[side].wallRatio <= 1.1,
            ),
      ]),
    ),
  );
  console.log(
    table(
      ['measure', 'value', 'target', ''],
      [
        [
          `upload requests for ${up.items} items`,
          String(up.uploadRequests),
          '= 1',
          check(
            'uploads',
            `uploads for ${up.items} items`,
            up.uploadRequests,
            '= 1',
            up.uploadRequests === 1,
          ),
        ],
      ],
    ),
    '\n',
  );
} finally {
  server.stop();
}

console.log('Targets: what each measured, and what it would take to fail');
console.log(
  table(
    ['section', 'measure', 'measured', 'target', 'fails when', ''],
    targets.map((t) => [
      t.section,
      t.name,
      fmt(t.value, Number.isInteger(t.value) ? 0 : 2),
      t.target,
      failsWhen(t.target),
      t.met ? 'met' : 'MISSED',
    ]),
  ),
  '\n',
);

if (jsonFile) {
  const pkg = await import('../package.json', { with: { type: 'json' } });
  writeFileSync(
    jsonFile,
    `${JSON.stringify({ version: pkg.default.version, node: process.version, cores: cpus().length, date: new Date().toISOString(), quick, targets, figures }, null, 2)}\n`,
  );
}
const met = targets.filter((t) => t.met).length;
console.log(`bench: ${met}/${targets.length} targets met`);
