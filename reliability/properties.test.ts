// Property-based validation: any valid object reaches the server exactly as given; any object
// with one broken rule is refused with ValidationError naming that field, and nothing is sent.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, SAMPLERS, SCHEDULERS, type SegmindClient, ValidationError } from '../src/index.js';
import { startFetchServer } from '../src/testing/fetch-server.js';
import { JPEG } from '../test/support/fixtures.js';
import { useServer } from '../test/support/use-server.js';
import { debugClient, saveFindings } from './support.js';

const RUNS = 10_000;
const server = useServer(() =>
  startFetchServer(async () => new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
);
let client: SegmindClient;
const logs: string[] = [];
const stats: Array<{ model: string; runs: number; valid: number; invalid: number }> = [];

beforeAll(async () => {
  client = debugClient(server.url, logs, { logLevel: 'off' });
});
afterAll(async () => {
  await client.close();
  saveFindings('properties', stats);
});

const prompt = fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' });
// Segmind states no range for seed (-1 means random) or samples: only their type is checked.
const seed = fc.oneof(fc.constantFrom(-1, 0, 1, Number.MAX_SAFE_INTEGER), fc.maxSafeInteger());
const steps = fc.oneof(fc.constantFrom(1, 8), fc.integer({ min: 1, max: 8 }));
const dimension = fc.oneof(
  fc.constantFrom(512, 520, 2040, 2048),
  fc.integer({ min: 64, max: 256 }).map((n) => n * 8),
);

const validFlux = fc.record(
  {
    prompt,
    steps,
    seed,
    // The page lists 10 of 27 samplers: any string is sent.
    sampler_name: fc.oneof(fc.constantFrom(...SAMPLERS), fc.string({ maxLength: 12 })),
    scheduler: fc.constantFrom(...SCHEDULERS),
    samples: fc.oneof(fc.constant(1), fc.integer({ min: -4, max: 16 })),
    width: dimension,
    height: dimension,
    denoise: fc.oneof(
      fc.constantFrom(0, 1, 0.5),
      fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }),
    ),
    base64: fc.boolean(),
  },
  { requiredKeys: ['prompt'] },
);

const validFast = fc.record(
  { prompt, aspect_ratio: fc.constantFrom(...ASPECT_RATIOS), base64: fc.boolean(), seed, steps },
  { requiredKeys: ['prompt'] },
);

const notIn = (values: readonly string[]) =>
  fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !values.includes(s));
const unknownKey = (known: string[]) =>
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((k) => !known.includes(k) && k !== '__proto__' && k !== 'constructor');

/** One broken rule per object: the field and a value that breaks it (undefined = leave it out). */
const fluxBreaks: Record<string, fc.Arbitrary<unknown>> = {
  prompt: fc.constantFrom('', 5, null, undefined),
  steps: fc.constantFrom(0, 9, -1, 1.5, '4', null),
  seed: fc.constantFrom(0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 2 ** 60),
  sampler_name: fc.constantFrom(5, null, true, ['euler']),
  scheduler: notIn(SCHEDULERS),
  samples: fc.constantFrom(2.5, '1', null),
  width: fc.constantFrom(511, 2049, 513, 1020, 1024.5, '1024', 0),
  height: fc.constantFrom(511, 2049, 2044, 4096, -8, null),
  denoise: fc.constantFrom(-0.0001, 1.0001, Number.NaN, '1', 2),
  base64: fc.constantFrom('true', 1, null),
};
const fastBreaks: Record<string, fc.Arbitrary<unknown>> = {
  prompt: fluxBreaks.prompt!,
  aspect_ratio: notIn(ASPECT_RATIOS),
  base64: fluxBreaks.base64!,
  seed: fluxBreaks.seed!,
  steps: fluxBreaks.steps!,
};

function broken(valid: fc.Arbitrary<Record<string, unknown>>, breaks: Record<string, fc.Arbitrary<unknown>>) {
  const known = Object.keys(breaks);
  const wrongValue = fc
    .constantFrom(...known)
    .chain((field) => fc.tuple(valid, fc.constant(field), breaks[field]!))
    .map(([params, field, value]) => {
      const out: Record<string, unknown> = { ...params };
      if (value === undefined) delete out[field];
      else out[field] = value;
      return { params: out, field };
    });
  const extraKey = fc
    .tuple(valid, unknownKey(known), fc.jsonValue())
    .map(([params, key, value]) => ({ params: { ...params, [key]: value }, field: key }));
  return fc.oneof({ arbitrary: wrongValue, weight: 4 }, { arbitrary: extraKey, weight: 1 });
}

function property(
  model: 'flux-schnell' | 'fast-flux-schnell',
  valid: fc.Arbitrary<Record<string, unknown>>,
  breaks: Record<string, fc.Arbitrary<unknown>>,
) {
  const counts = { model, runs: 0, valid: 0, invalid: 0 };
  stats.push(counts);
  const input = fc.oneof(
    valid.map((params) => ({ params, field: undefined as string | undefined })),
    broken(valid, breaks),
  );
  return fc.asyncProperty(input, async ({ params, field }) => {
    counts.runs++;
    const before = server.requests.length;
    // biome-ignore lint/suspicious/noExplicitAny: the generated objects are checked at run time
    const attempt = client.runSync(model, params as any).then(
      () => undefined,
      (e: unknown) => e,
    );
    const err = await attempt;
    if (field === undefined) {
      counts.valid++;
      expect(err).toBeUndefined();
      expect(server.requests.length).toBe(before + 1);
      expect(server.requests.at(-1)!.body).toBe(JSON.stringify(params));
    } else {
      counts.invalid++;
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.path)).toContain(field);
      expect(server.requests.length).toBe(before);
    }
  });
}

describe('property-based validation', () => {
  it(`flux-schnell: ${RUNS} generated objects`, async () => {
    await fc.assert(property('flux-schnell', validFlux, fluxBreaks), { numRuns: RUNS });
  });

  it(`fast-flux-schnell: ${RUNS} generated objects`, async () => {
    await fc.assert(property('fast-flux-schnell', validFast, fastBreaks), { numRuns: RUNS });
  });
});
