// The registry's rules as a user meets them: what is refused (and how it is said), what is sent.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { requestBody, validateParams } from '../../src/models/request-body.js';
import { client, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const URL_A = 'https://example.com/a.png';

/** The issues `params` get for `model`, as `{ path: message }`; `{}` when they are valid. */
async function issues(model: string, params: Record<string, unknown>): Promise<Record<string, string>> {
  try {
    await validateParams(model, params, true);
    return {};
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).model).toBe(model);
    return Object.fromEntries((err as ValidationError).issues.map((i) => [i.path, i.message]));
  }
}

describe('open and complete value lists', () => {
  it('sends any string for a list the page cut short, and refuses one outside a complete list', async () => {
    // flux-kontext-pro's aspect_ratio: 10 of 14 shown; its output_format: jpg and png, complete.
    expect(await issues('flux-kontext-pro', { prompt: 'x', aspect_ratio: '21:9' })).toEqual({});
    expect(await issues('flux-kontext-pro', { prompt: 'x', aspect_ratio: 'anything' })).toEqual({});
    expect(await issues('flux-kontext-pro', { prompt: 'x', output_format: 'webp' })).toEqual({
      output_format: 'must be one of the 2 output formats: jpg, png',
    });
  });

  it('still refuses a value of the wrong type in an open list', async () => {
    expect(await issues('flux-kontext-pro', { prompt: 'x', aspect_ratio: 16 })).toEqual({
      aspect_ratio: 'must be a string',
    });
  });

  it("flux-schnell's sampler_name is open (the page shows 10 of 27), its scheduler complete", async () => {
    expect(await issues('flux-schnell', { prompt: 'x', sampler_name: 'a_future_sampler' })).toEqual({});
    expect(await issues('flux-schnell', { prompt: 'x', scheduler: 'beta' })).toEqual({
      scheduler:
        'must be one of the 6 schedulers: normal, karras, exponential, sgm_uniform, simple, ddim_uniform',
    });
  });
});

describe('complete and partial models', () => {
  it('a complete model refuses an unknown key, naming the known ones', async () => {
    const found = await issues('flux-img2img', {
      prompt: 'x',
      image: URL_A,
      denoise: 0.5,
      sampler_name: 'euler',
      scheduler: 'simple',
      steps: 10,
      strength: 1,
    });
    expect(Object.keys(found)).toEqual(['strength']);
    expect(found.strength).toMatch(/^unknown parameter \(known: denoise, image, prompt, sampler_name, /);
  });

  it('a partial model sends an unknown key as given', async () => {
    const body = await requestBody('flux-kontext-pro', { prompt: 'x', prompt_upsampling: true }, true);
    expect(JSON.parse(body)).toEqual({ prompt: 'x', prompt_upsampling: true });
  });

  it.each([
    ['flux-kontext-pro', 'input_imge', 'input_image'],
    ['flux-kontext-pro', 'inputImage', 'input_image'],
    ['flux-kontext-pro', 'aspect_ration', 'aspect_ratio'],
    ['flux-kontext-pro', 'safety_tolerence', 'safety_tolerance'],
    ['flux-dev', 'guidnace', 'guidance'],
    ['flux-dev', 'promt', 'prompt'],
    ['flux-pulid', 'main_face_img', 'main_face_image'],
    ['flux-2-klein-4b', 'image_url', 'image_urls'],
  ])('%s refuses the near miss %s: "did you mean %s?"', async (model, typo, meant) => {
    const params: Record<string, unknown> = { prompt: 'x', [typo]: URL_A };
    if (model === 'flux-pulid') params.main_face_image = URL_A;
    const found = await issues(model, params);
    expect(found[typo]).toBe(`unknown parameter; did you mean ${meant}?`);
  });

  it('a short name is not a near miss of every other short word (size is not seed)', async () => {
    expect(await issues('flux-kontext-pro', { prompt: 'x', size: 1, mode: 'fast', raw: true })).toEqual({});
  });
});

describe('contradictory captures are enforced neither way', () => {
  it('flux-dev guidance: typed integer on the page, 3.5 in its example; both accepted', async () => {
    expect(await issues('flux-dev', { prompt: 'x', guidance: 3 })).toEqual({});
    expect(await issues('flux-dev', { prompt: 'x', guidance: 3.5 })).toEqual({});
    // The stated range still holds.
    expect(await issues('flux-dev', { prompt: 'x', guidance: 11 })).toEqual({
      guidance: 'must be a number from 0 to 10',
    });
  });

  it('megapixels: a number on one page, a string on another; both accepted, anything else refused', async () => {
    for (const megapixels of [1, 0.25, '1', 'match_input']) {
      expect(await issues('flux-redux-dev', { redux_image: URL_A, megapixels })).toEqual({});
      expect(await issues('flux-fill-dev', { prompt: 'x', image: URL_A, mask: URL_A, megapixels })).toEqual(
        {},
      );
    }
    expect(await issues('flux-redux-dev', { redux_image: URL_A, megapixels: true })).toEqual({
      megapixels: 'must be a number or a string',
    });
  });

  it("flux-fill-pro's mask (required, yet optional with an alpha mask) is not required", async () => {
    expect(await issues('flux-fill-pro', { prompt: 'x', image: URL_A })).toEqual({});
    expect(await issues('flux-fill-pro', { prompt: 'x' })).toEqual({ image: 'is required' });
  });

  it("FLUX.2's image_urls (required, yet left out by its own example) is not required", async () => {
    expect(await issues('flux-2-pro', { prompt: 'x' })).toEqual({});
    expect(await issues('flux-2-flex', { prompt: 'x' })).toEqual({});
  });

  it("flux-kontext-max's strictest safety_tolerance (1 on its page, 0 on Pro's): 0 accepted", async () => {
    expect(await issues('flux-kontext-max', { prompt: 'x', safety_tolerance: 0 })).toEqual({});
    expect(await issues('flux-kontext-max', { prompt: 'x', safety_tolerance: 7 })).toEqual({
      safety_tolerance: 'must be an integer from 0 to 6',
    });
  });
});

describe('ranges and multiples', () => {
  it('a value breaking two rules gets one issue naming both', async () => {
    expect(await issues('flux-schnell', { prompt: 'x', width: 2049 })).toEqual({
      width: 'must be an integer from 512 to 2048 and must be a multiple of 8',
    });
  });

  it('a multiple inside the range passes; one off does not', async () => {
    expect(await issues('flux-schnell', { prompt: 'x', height: 1016 })).toEqual({});
    expect(await issues('flux-schnell', { prompt: 'x', height: 1017 })).toEqual({
      height: 'must be a multiple of 8',
    });
  });

  it('a range stated on a page is enforced; a value the page only shows in an example is not', async () => {
    expect(await issues('flux-redux-schnell', { redux_image: URL_A, num_inference_steps: 5 })).toEqual({
      num_inference_steps: 'must be an integer from 1 to 4',
    });
    // flux-2-flex's steps (50) appears only in its code sample: any number is sent.
    expect(await issues('flux-2-flex', { prompt: 'x', steps: 1000 })).toEqual({});
    expect(await issues('flux-2-flex', { prompt: 'x', steps: 'many' })).toEqual({
      steps: 'must be a number',
    });
  });

  it('refuses NaN and infinities, which JSON cannot carry', async () => {
    expect(await issues('flux-dev', { prompt: 'x', prompt_strength: Number.NaN })).toHaveProperty(
      'prompt_strength',
    );
    expect(await issues('flux-2-flex', { prompt: 'x', steps: Number.POSITIVE_INFINITY })).toHaveProperty(
      'steps',
    );
  });
});

describe('required parameters', () => {
  it('says "is required" for each missing one, in the page order', async () => {
    const err = await validateParams('flux-img2img', { prompt: 'x' }, true).catch((e: ValidationError) => e);
    expect((err as ValidationError).issues).toEqual([
      { path: 'denoise', message: 'is required' },
      { path: 'image', message: 'is required' },
      { path: 'sampler_name', message: 'is required' },
      { path: 'scheduler', message: 'is required' },
      { path: 'steps', message: 'is required' },
    ]);
  });

  it('an explicit undefined counts as missing, and is not sent for an optional one', async () => {
    expect(await issues('flux-schnell', { prompt: undefined })).toEqual({ prompt: 'is required' });
    expect(await requestBody('flux-schnell', { prompt: 'x', seed: undefined }, true)).toBe('{"prompt":"x"}');
  });
});

describe('image parameters', () => {
  const blob = new Blob([JPEG], { type: 'image/jpeg' });

  it.each([
    ['an https URL', 'https://example.com/photo.jpg'],
    ['an http URL', 'http://127.0.0.1:8080/photo.jpg'],
    ['a Uint8Array', new Uint8Array(JPEG)],
    ['a Buffer', JPEG],
    ['an ArrayBuffer', new Uint8Array(JPEG).buffer],
    ['a Blob', blob],
  ])('accept %s', async (_, image) => {
    expect(await issues('flux-kontext-pro', { prompt: 'x', input_image: image })).toEqual({});
  });

  it.each([
    ['a data: URL', 'data:image/png;base64,iVBORw0KGgo='],
    ['an ftp URL', 'ftp://example.com/a.png'],
    ['a relative path', 'photo.jpg'],
    ['a number', 42],
    ['null', null],
    ['a plain object', { url: URL_A }],
  ])('refuse %s, naming the field', async (_, image) => {
    expect(await issues('flux-kontext-pro', { prompt: 'x', input_image: image })).toEqual({
      input_image: 'must be an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)',
    });
  });

  it('a list checks each image and names the bad ones by position', async () => {
    const found = await issues('flux-2-klein-4b', { prompt: 'x', image_urls: [URL_A, 7, JPEG, 'nope'] });
    expect(found).toEqual({
      'image_urls.1': 'must be an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)',
      'image_urls.3': 'must be an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)',
    });
    expect(await issues('flux-2-klein-4b', { prompt: 'x', image_urls: URL_A })).toEqual({
      image_urls:
        'must be a list of images, each an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)',
    });
  });

  it('two required images: each missing one is named', async () => {
    expect(await issues('multi-image-kontext-pro', { prompt: 'x', input_image_2: URL_A })).toEqual({
      input_image_1: 'is required',
    });
  });

  it('keeps a list in order and leaves it as given (uploads replace bytes later)', async () => {
    const list = [URL_A, JPEG, 'https://example.com/b.png'];
    const checked = await validateParams('flux-2-klein-4b', { prompt: 'x', image_urls: list }, true);
    expect(checked.image_urls).toBe(list);
    expect(list).toEqual([URL_A, JPEG, 'https://example.com/b.png']);
  });
});

describe('users’ LoRA endpoints (<uuid>-<name>)', () => {
  const lora = '40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora';

  it('are checked by their pattern entry: required fields, the lora_strength range, near misses', async () => {
    expect(
      await issues(lora, { prompt: 'x', aspect_ratio: '2:3', lora_strength: 1.2, sampler_name: 'euler' }),
    ).toEqual({});
    expect(
      await issues(lora, {
        prompt: 'x',
        aspect_ratio: '2:3',
        lora_strength: 11,
        sampler_name: 'euler',
        lora_strenght: 1,
      }),
    ).toEqual({
      lora_strength: 'must be a number from -10 to 10',
      lora_strenght: 'unknown parameter; did you mean lora_strength?',
    });
  });

  it('a slug that only looks similar stays untyped', async () => {
    expect(await issues('40174048-mybmwlora', { anything: true })).toEqual({});
    expect(await issues('some-new-model', { prompt: 7, promt: 'x' })).toEqual({});
  });
});

describe('through the client', () => {
  const server = useServer(() =>
    serveHandlers(
      http.post('*/v1/*', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
      http.post('*/v2/*', () => HttpResponse.json({ request_id: 'job-1', status: 'QUEUED' })),
    ),
  );

  it('refuses before any request, on v1 and v2', async () => {
    const c = client(server.url);
    const bad = { prompt: 'x', input_imge: URL_A } as never;
    await expect(c.runSync('flux-kontext-pro', bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.submitAsync('flux-kontext-pro', bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.run('flux-kontext-pro', bad)).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('sends exactly the keys the caller set, unknown ones of a partial model included', async () => {
    const params = { prompt: 'make it night', input_image: URL_A, seed: 3, prompt_upsampling: true };
    await client(server.url).submitAsync('flux-kontext-pro', params);
    expect(server.requests[0]!.json).toEqual(params);
  });
});
