import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  ASPECT_RATIOS,
  FastFluxSchnellParamsSchema,
  FluxSchnellParamsSchema,
  SAMPLERS,
  SCHEDULERS,
  ValidationError,
} from '../../src/index.js';
import { closest } from '../../src/util/did-you-mean.js';
import { client, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() =>
  serveHandlers(
    http.post('*/v1/*', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
    http.post('*/v2/*', () => HttpResponse.json({ request_id: 'job-1', status: 'QUEUED' })),
  ),
);

async function rejection(model: string, params: unknown, options = {}) {
  const err = await client(server.url, options)
    .runSync(model as any, params as any)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(server.requests).toHaveLength(0);
  return err as ValidationError;
}

describe('validation before any request', () => {
  it.each([
    [{ prompt: 'x', width: 511 }, 'width', 'an integer from 512 to 2048'],
    [{ prompt: 'x', width: 2049 }, 'width', 'an integer from 512 to 2048'],
    [{ prompt: 'x', height: 1020 }, 'height', 'multiple of 8'],
    [{ prompt: 'x', width: 1024.5 }, 'width', 'integer'],
    [{ prompt: 'x', steps: 0 }, 'steps', 'from 1 to 8'],
    [{ prompt: 'x', steps: 9 }, 'steps', 'from 1 to 8'],
    [{ prompt: 'x', seed: 1.5 }, 'seed', 'must be an integer'],
    [{ prompt: 'x', samples: '2' }, 'samples', 'must be an integer'],
    [{ prompt: 'x', denoise: 1.01 }, 'denoise', 'from 0 to 1'],
    [{ prompt: 'x', denoise: -0.1 }, 'denoise', 'from 0 to 1'],
    [{ prompt: 'x', sampler_name: 7 }, 'sampler_name', 'must be a string'],
    [{ prompt: 'x', scheduler: 'linear' }, 'scheduler', 'one of the 6 schedulers'],
    [{ prompt: '' }, 'prompt', 'must not be empty'],
    [{ steps: 4 }, 'prompt', 'is required'],
    [{ prompt: 'x', steps: '4' }, 'steps', 'integer'],
  ])('flux-schnell %j → %s: %s', async (params, path, rule) => {
    const err = await rejection('flux-schnell', params);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.path).toBe(path);
    expect(err.issues[0]!.message).toContain(rule);
    expect(err.message).toContain(path);
  });

  it.each([
    [{ prompt: 'x', aspect_ratio: '4:3' }, 'aspect_ratio'],
    [{ prompt: 'x', base64: 'yes' }, 'base64'],
    [{ prompt: 'x', steps: 10 }, 'steps'],
    [{ prompt: 'x', width: 1024 }, 'width'],
  ])('fast-flux-schnell %j → %s', async (params, path) => {
    const err = await rejection('fast-flux-schnell', params);
    expect(err.issues.map((i) => i.path)).toEqual([path]);
  });

  it('lists every issue, not just the first', async () => {
    const err = await rejection('flux-schnell', { prompt: 'x', width: 100, height: 3000, steps: 0 });
    expect(err.issues.map((i) => i.path).sort()).toEqual(['height', 'steps', 'width']);
  });

  it('rejects an unknown key and suggests the closest known name', async () => {
    const err = await rejection('flux-schnell', { prompt: 'x', sampler: 'euler' });
    expect(err.issues[0]).toMatchObject({ path: 'sampler' });
    expect(err.issues[0]!.message).toContain('did you mean sampler_name?');
  });

  it.each([
    ['samplerName', 'sampler_name'],
    ['aspectRatio', 'aspect_ratio'],
    ['setps', 'steps'],
    ['widht', 'width'],
    ['sede', 'seed'],
    ['sample', 'samples'],
    ['zzzzzzzz', undefined],
  ])('closest(%s) is %s', (key, expected) => {
    const known = [...Object.keys(FluxSchnellParamsSchema.shape), 'aspect_ratio'];
    expect(closest(key, known)).toBe(expected);
  });

  it('rejects parameters that are not a JSON object, even with validation off', async () => {
    for (const params of [null, [], 'prompt', 42, new Date()]) {
      await rejection('flux-schnell', params, { validate: false });
    }
  });

  it('accepts every boundary value and every enum value', async () => {
    const c = client(server.url);
    const edges = [
      { width: 512, height: 2048, steps: 1, denoise: 0, seed: 0, samples: 1 },
      { width: 2048, height: 512, steps: 8, denoise: 1, seed: Number.MAX_SAFE_INTEGER },
    ];
    for (const edge of edges) await c.runSync('flux-schnell', { prompt: 'x', ...edge });
    for (const sampler_name of SAMPLERS) await c.runSync('flux-schnell', { prompt: 'x', sampler_name });
    for (const scheduler of SCHEDULERS) await c.runSync('flux-schnell', { prompt: 'x', scheduler });
    for (const aspect_ratio of ASPECT_RATIOS)
      await c.runSync('fast-flux-schnell', { prompt: 'x', aspect_ratio });
    expect(server.requests).toHaveLength(2 + SAMPLERS.length + SCHEDULERS.length + ASPECT_RATIOS.length);
  });

  it('validate: false (client or call) sends any JSON object untouched', async () => {
    const bad = { prompt: 'x', width: 3, sampler: 'euler' };
    await client(server.url, { validate: false }).runSync('flux-schnell', bad as any);
    await client(server.url).runSync('flux-schnell', bad as any, { validate: false });
    expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify(bad), JSON.stringify(bad)]);
  });

  it('passes other model slugs through untyped', async () => {
    await client(server.url).runSync('some-new-model', { anything: true, sampler: 'x' });
    expect(server.requests[0]?.json).toEqual({ anything: true, sampler: 'x' });
  });

  it('validates the async submit the same way', async () => {
    const c = client(server.url);
    const err = await c
      .submitAsync('fast-flux-schnell', { prompt: 'x', aspect_ratio: '4:3' } as any)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('exports the schemas and tuples', () => {
    expect(SAMPLERS).toHaveLength(27);
    expect(SCHEDULERS).toHaveLength(6);
    expect(ASPECT_RATIOS).toHaveLength(9);
    expect(FastFluxSchnellParamsSchema.safeParse({ prompt: 'x', aspect_ratio: '21:9' }).success).toBe(true);
    expect(Object.isFrozen(SAMPLERS) || Array.isArray(SAMPLERS)).toBe(true);
  });
});
