// Models added as registry entries and nothing else: each gets the table-driven tests of
// registry.test.ts by itself; here, what is particular to each.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { validateParams } from '../../src/models/request-body.js';

async function issues(model: string, params: Record<string, unknown>): Promise<Record<string, string>> {
  const err = await validateParams(model, params, true).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return {};
  expect(err).toBeInstanceOf(ValidationError);
  return Object.fromEntries((err as ValidationError).issues.map((i) => [i.path, i.message]));
}

describe('flux-krea-dev (known from its code sample only)', () => {
  it('types the sample’s keys loosely and refuses a near miss of one', async () => {
    expect(
      await issues('flux-krea-dev', { prompt: 'x', prompt_strength: 0.7, megapixels: 1, guidance: 3.5 }),
    ).toEqual({});
    expect(await issues('flux-krea-dev', { prompt: 'x', go_fats: true })).toEqual({
      go_fats: 'unknown parameter; did you mean go_fast?',
    });
    expect(await issues('flux-krea-dev', { prompt: 'x', go_fast: 'yes' })).toEqual({
      go_fast: 'must be true or false',
    });
  });

  it('sends an image field the page does not name (prompt_strength implies one)', async () => {
    expect(await issues('flux-krea-dev', { prompt: 'x', image: 'https://example.com/a.png' })).toEqual({});
  });
});

describe('flux-2-klein-9b (known from its code sample only)', () => {
  it('takes several reference images in order, URLs and bytes mixed', async () => {
    const image_urls = ['https://example.com/a.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47])];
    expect(await issues('flux-2-klein-9b', { prompt: 'x', image_urls })).toEqual({});
    expect(
      await issues('flux-2-klein-9b', { prompt: 'x', image_urls: ['https://example.com/a.png', 3] }),
    ).toEqual({
      'image_urls.1': 'must be an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)',
    });
  });

  it('does not borrow Klein 4B’s ranges', async () => {
    expect(await issues('flux-2-klein-9b', { prompt: 'x', cfg: 50, quality: 5 })).toEqual({});
    expect(await issues('flux-2-klein-4b', { prompt: 'x', cfg: 50, quality: 5 })).toEqual({
      cfg: 'must be a number from 1 to 20',
      quality: 'must be an integer from 10 to 100',
    });
  });
});

describe('flux-2-max (a documented subset: its prompt)', () => {
  it('sends what flux-2-pro takes without enforcing it, and catches a misspelt prompt', async () => {
    expect(
      await issues('flux-2-max', {
        prompt: 'x',
        image_urls: ['https://example.com/a.png'],
        seed: 1,
        width: 1024,
      }),
    ).toEqual({});
    expect(await issues('flux-2-max', { promtp: 'x' })).toEqual({
      promtp: 'unknown parameter; did you mean prompt?',
    });
    expect(await issues('flux-2-max', { prompt: 7 })).toEqual({ prompt: 'must be a string' });
  });
});

describe('clarityai-flux-upscaler (the first upscaling entry)', () => {
  it('enforces the stated creativity range; the image, shown optional, is not required', async () => {
    expect(
      await issues('clarityai-flux-upscaler', { image: 'https://example.com/a.png', creativity: -10 }),
    ).toEqual({});
    expect(await issues('clarityai-flux-upscaler', { scale_factor: 4 })).toEqual({});
    expect(
      await issues('clarityai-flux-upscaler', { image: 'https://example.com/a.png', creativity: 3.5 }),
    ).toEqual({
      creativity: 'must be an integer from -10 to 10',
    });
  });
});
