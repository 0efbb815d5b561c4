// Section 6 of `npm run bench`: batch() under a rate limit, the naive baseline, and processes
// sharing one Redis limit. Windows are scaled down from a minute; the ratios are what count.
import { measureBatch, measureShared, type WindowFigures } from './limits.js';
import { fmt, table } from './support.js';

type Check = (section: string, name: string, value: number, target: string, met: boolean) => string;

export async function runLimitsSection(ctx: {
  quick: boolean;
  figures: Record<string, unknown>;
  check: Check;
}): Promise<void> {
  const { quick, figures, check } = ctx;
  const jobs = quick ? 40 : 200;
  const n = quick ? 10 : 20;
  const windowMs = quick ? 1_000 : 2_000;
  const { batch, naive } = await measureBatch(jobs, n, windowMs);
  figures.rateLimitedBatch = { n, windowMs, batch, naive };
  const row = (name: string, f: WindowFigures) => [
    name,
    String(f.failed),
    String(f.rejected429),
    `${fmt(f.perWindow, 1)} (${fmt(f.ratio, 2)}× N)`,
    String(f.maxAttempts),
    `${fmt(f.wallMs / 1000, 1)} s`,
  ];
  console.log(`6. ${jobs} v2 jobs against the fake enforcing N = ${n} submits per ${windowMs} ms window`);
  console.log(
    table(
      ['how', 'failed', '429s', 'accepted per full window', 'max sent in a window', 'wall'],
      [row('client.batch() + rateLimit', batch), row('Promise.all(run()), defaults', naive)],
    ),
  );
  console.log(
    table(
      ['measure', 'value', 'target', ''],
      [
        [
          'batch: accepted per window ÷ N',
          fmt(batch.ratio, 3),
          '≥ 0.95',
          check('limits', 'batch per window ÷ N', batch.ratio, '≥ 0.95', batch.ratio >= 0.95),
        ],
        [
          'batch: 429s',
          String(batch.rejected429),
          '≤ 1',
          check('limits', 'batch 429s', batch.rejected429, '≤ 1', batch.rejected429 <= 1),
        ],
        [
          'batch: failed items',
          String(batch.failed),
          '0',
          check('limits', 'batch failed', batch.failed, '0', batch.failed === 0),
        ],
        ['naive: failed / 429s', `${naive.failed} / ${naive.rejected429}`, '(baseline)', ''],
      ],
    ),
    '\n',
  );

  const processes = 3;
  const sharedN = quick ? 6 : 12;
  const shared = await measureShared(quick ? 24 : 120, sharedN, 2_000, processes);
  figures.sharedRedis = shared
    ? { n: sharedN, windowMs: 2_000, processes, ...shared }
    : 'skipped: no redis-server';
  if (!shared) {
    console.log('6b. skipped: redis-server is not installed\n');
    return;
  }
  console.log(
    `6b. ${processes} processes sharing one Redis limit (redisStore), N = ${sharedN} per 2000 ms window, ${shared.jobs} jobs`,
  );
  console.log(
    table(
      ['measure', 'value', 'target', ''],
      [
        [
          'aggregate accepted per window ÷ N',
          fmt(shared.ratio, 3),
          '≥ 0.9',
          check('limits', 'shared per window ÷ N', shared.ratio, '≥ 0.9', shared.ratio >= 0.9),
        ],
        [
          'most sent in one window',
          String(shared.maxAttempts),
          `≤ N + 1 = ${sharedN + 1}`,
          check(
            'limits',
            'shared max per window',
            shared.maxAttempts,
            '≤ N+1',
            shared.maxAttempts <= sharedN + 1,
          ),
        ],
        [
          'failed items',
          String(shared.failed),
          '0',
          check('limits', 'shared failed', shared.failed, '0', shared.failed === 0),
        ],
        ['429s', String(shared.rejected429), '', ''],
      ],
    ),
    '\n',
  );
}
