// Every model of the registry through the fake, on the endpoints the registry gives it, validated
// by the same registry: a valid call gets a real PNG, a bad value a 500 (v1) or a FAILED job (v2).
import { describe, expect, it } from 'vitest';
import {
  type ImageResult,
  InferenceFailedError,
  InternalServerError,
  MODELS,
  NotFoundError,
} from '../../src/index.js';
import { MODEL_PATTERNS } from '../../src/models/registry/index.js';
import type { ModelSpec } from '../../src/models/registry/types.js';
import { sampleParams } from '../../src/models/views/sample-params.js';
import { createMockServer, pngSize } from '../../src/testing/index.js';
import { client } from '../support/fixtures.js';
import { onlyWhere } from '../support/only-where.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => createMockServer({ queueTime: 5, jobDuration: 5 }));

/** Every registry slug, and one slug of each pattern entry (a user's LoRA endpoint). */
const ENTRIES: Array<[string, ModelSpec]> = [
  ...Object.entries(MODELS),
  ...MODEL_PATTERNS.map((spec): [string, ModelSpec] => [
    '40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora',
    spec,
  ]),
];

const isPng = (data: Uint8Array) => pngSize(data) !== undefined;

it('runs the whole registry', () => {
  expect(ENTRIES.length).toBe(Object.keys(MODELS).length + MODEL_PATTERNS.length);
});

describe.each(ENTRIES)('%s on the fake', (slug, spec) => {
  const v1 = spec.endpoints.includes('v1');
  const v2 = spec.endpoints.includes('v2');
  const params = sampleParams(spec) as Record<string, unknown>;
  // A value no parameter type accepts, in the entry's first parameter other than the prompt (a
  // prompt that is not a string is refused up front with a 400, before the model runs).
  const badParam = Object.keys(spec.params).find((name) => name !== 'prompt');
  const bad = { ...params, [badParam ?? 'prompt']: { not: 'a value' } };

  onlyWhere(v1)('v1 answers its smallest valid call with a real PNG and the credit headers', async () => {
    const image = (await client(server.url).runSync(slug, params as never)) as ImageResult;
    expect(image.contentType).toBe('image/png');
    expect(isPng(image.data)).toBe(true);
    expect(image.cost).toBe(0.008);
  });

  onlyWhere(v2)('v2 runs its smallest valid call to COMPLETED and serves the output', async () => {
    const c = client(server.url);
    const result = await c.run(slug, params as never, { interval: 5 });
    expect(result.status).toBe('COMPLETED');
    expect(isPng((await c.download(result)).data)).toBe(true);
  });

  onlyWhere(!v1)('v1 is a 404: the page shows only v2', async () => {
    const err = await client(server.url)
      .runSync(slug, params as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  onlyWhere(!v2)('v2 is a 404: the page shows only v1', async () => {
    const err = await client(server.url)
      .submitAsync(slug, params as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  onlyWhere(v1 && badParam)(
    `v1 answers a bad ${badParam} with a 500 naming it, like the real API`,
    async () => {
      const err = await client(server.url)
        .runSync(slug, bad as never, { validate: false, maxRetries: 0 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalServerError);
      expect((err as InternalServerError).detail).toMatch(
        new RegExp(`^Invalid value for ${badParam}: must be `),
      );
    },
  );

  onlyWhere(v2 && badParam)(`v2 accepts a bad ${badParam}, and the job FAILS naming it`, async () => {
    const err = await client(server.url)
      .run(slug, bad as never, { validate: false, interval: 5 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect((err as InferenceFailedError).detail).toMatch(
      new RegExp(`^Invalid value for ${badParam}: must be `),
    );
  });
});

it('a slug outside the registry is a 404 on both endpoints', async () => {
  const c = client(server.url);
  await expect(c.runSync('flux-unknown-model', { prompt: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  await expect(c.submitAsync('flux-unknown-model', { prompt: 'x' })).rejects.toBeInstanceOf(NotFoundError);
});
