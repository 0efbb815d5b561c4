// The registry as data, and every model's rules driven from it: each model gets a valid call and a
// refused one per rule its entry states.
import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, MODELS, SAMPLERS, SCHEDULERS, ValidationError } from '../../src/index.js';
import { imageParams, isKnownModel, MODEL_SLUGS, modelSpec } from '../../src/models/lookup.js';
import { MODEL_PATTERNS } from '../../src/models/registry/index.js';
import type { ModelSpec, ParamSpec } from '../../src/models/registry/types.js';
import { validateParams } from '../../src/models/request-body.js';
import { sampleParams } from '../../src/models/views/sample-params.js';

const LORA_SLUG = '40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora';

/** Every entry with a slug to call it by (the LoRA pattern entry by an example slug). */
const ENTRIES: [string, ModelSpec][] = [
  ...MODEL_SLUGS.map((slug): [string, ModelSpec] => [slug, MODELS[slug]]),
  [LORA_SLUG, MODEL_PATTERNS[0]!],
];

async function issuesFor(model: string, params: Record<string, unknown>): Promise<Record<string, string>> {
  const err = await validateParams(model, params, true).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return {};
  expect(err).toBeInstanceOf(ValidationError);
  return Object.fromEntries((err as ValidationError).issues.map((i) => [i.path, i.message]));
}

// A value of the wrong type for a parameter, whatever its rule.
function wrongType(p: ParamSpec): unknown {
  switch (p.type) {
    case 'integer':
    case 'number':
      return 'ten';
    case 'string':
      return 10;
    case 'boolean':
      return 'yes';
    case 'image':
      return 10;
    case 'image[]':
      return 'not-a-list';
    case 'number | string':
      return true;
  }
}

describe('the registry', () => {
  it('types every slug with captured parameters, and no slug without', () => {
    expect([...MODEL_SLUGS].sort()).toEqual(
      [
        'clarityai-flux-upscaler',
        'fast-flux-schnell',
        'flux-1.1-pro',
        'flux-1.1-pro-ultra',
        'flux-2-flex',
        'flux-2-klein-4b',
        'flux-2-klein-9b',
        'flux-2-max',
        'flux-2-pro',
        'flux-controlnet',
        'flux-depth-dev',
        'flux-depth-pro',
        'flux-dev',
        'flux-dev-finetuned',
        'flux-fill-dev',
        'flux-fill-pro',
        'flux-img2img',
        'flux-ipadapter',
        'flux-kontext-dev',
        'flux-kontext-max',
        'flux-kontext-pro',
        'flux-krea-dev',
        'flux-pro',
        'flux-pulid',
        'flux-redux-dev',
        'flux-redux-schnell',
        'flux-schnell',
        'multi-image-kontext-max',
        'multi-image-kontext-pro',
      ].sort(),
    );
    for (const uncaptured of ['flux-canny-pro', 'flux-canny-dev', 'flux-inpaint', 'flux-realism-lora']) {
      expect(isKnownModel(uncaptured), uncaptured).toBe(false);
      expect(modelSpec(uncaptured), uncaptured).toBeUndefined();
    }
  });

  it.each(ENTRIES)('%s: a well-formed entry', (slug, spec) => {
    if (isKnownModel(slug)) expect(spec.slug).toBe(slug);
    expect(['text-to-image', 'editing', 'conditioning', 'upscaling']).toContain(spec.group);
    expect(spec.endpoints.length).toBeGreaterThan(0);
    expect(new Set(spec.endpoints).size).toBe(spec.endpoints.length);
    for (const e of spec.endpoints) expect(['v1', 'v2']).toContain(e);
    expect(spec.title && spec.description).toBeTruthy();
    for (const [name, p] of Object.entries(spec.params)) {
      expect(p.description, name).toBeTruthy();
      if (p.values) expect(p.type, name).toBe('string');
      expect(p.values === undefined, name).toBe(p.valuesComplete === undefined);
      if (p.min !== undefined && p.max !== undefined) expect(p.min, name).toBeLessThan(p.max);
      // What only a code sample shows is typed from its value and checked no further.
      if (p.seenIn === 'example') {
        expect([p.min, p.max, p.multipleOf, p.required, p.default], name).toEqual([
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
        ]);
      }
    }
  });

  it('is frozen all the way down: changing it cannot change what the SDK enforces', () => {
    expect(Object.isFrozen(MODELS)).toBe(true);
    expect(Object.isFrozen(MODELS['flux-schnell'].params.steps)).toBe(true);
    expect(() => {
      (MODELS['flux-schnell'].params.steps as { max: number }).max = 100;
    }).toThrow(TypeError);
    expect(MODELS['flux-schnell'].params.steps!.max).toBe(8);
  });

  it('keeps the exported tuples as the value lists of flux-schnell and fast-flux-schnell', () => {
    expect(MODELS['flux-schnell'].params.sampler_name!.values).toEqual(SAMPLERS);
    expect(MODELS['flux-schnell'].params.scheduler!.values).toEqual(SCHEDULERS);
    expect(MODELS['fast-flux-schnell'].params.aspect_ratio!.values).toEqual(ASPECT_RATIOS);
  });

  it('finds a user LoRA endpoint by its pattern, and nothing else by it', () => {
    expect(modelSpec(LORA_SLUG)?.slug).toBe('<uuid>-<name>');
    expect(isKnownModel(LORA_SLUG)).toBe(false);
    expect(modelSpec('40174048-1b49-48f3-ad7e-8384098f22d2')).toBeUndefined();
    expect(modelSpec('flux-2-klein-4b-something-else-here')).toBeUndefined();
  });

  it('lists image parameters with their shape', () => {
    expect(imageParams('flux-kontext-pro')).toEqual([{ name: 'input_image', array: false }]);
    expect(imageParams('multi-image-kontext-max')).toEqual([
      { name: 'input_image_1', array: false },
      { name: 'input_image_2', array: false },
    ]);
    expect(imageParams('flux-fill-pro')).toEqual([
      { name: 'image', array: false },
      { name: 'mask', array: false },
    ]);
    expect(imageParams('flux-2-klein-4b')).toEqual([{ name: 'image_urls', array: true }]);
    expect(imageParams('flux-schnell')).toEqual([]);
    expect(imageParams('not-a-model')).toEqual([]);
  });
});

describe.each(ENTRIES)('%s', (slug, spec) => {
  const valid = sampleParams(spec);
  const params = Object.entries(spec.params);

  it('accepts its smallest valid parameters', async () => {
    expect(await issuesFor(slug, valid)).toEqual({});
  });

  it('accepts every default and example the page shows', async () => {
    for (const [name, p] of params) {
      for (const value of [p.default, p.example]) {
        if (value !== undefined) expect(await issuesFor(slug, { ...valid, [name]: value }), name).toEqual({});
      }
    }
  });

  it.each(params)('refuses a wrong type for %s, naming it', async (name, p) => {
    const found = await issuesFor(slug, { ...valid, [name]: wrongType(p) });
    expect(Object.keys(found)).toEqual([name]);
    expect(found[name]).toMatch(/^must be /);
  });

  it.each(params.filter(([, p]) => p.required))('refuses a call without %s', async (name) => {
    const { [name]: _, ...rest } = valid;
    expect(await issuesFor(slug, rest)).toEqual({ [name]: 'is required' });
  });

  it.each(params.filter(([, p]) => p.min !== undefined || p.max !== undefined))(
    'refuses %s outside its range',
    async (name, p) => {
      const step = p.type === 'integer' ? 1 : 0.5;
      if (p.min !== undefined)
        expect(Object.keys(await issuesFor(slug, { ...valid, [name]: p.min - step }))).toEqual([name]);
      if (p.max !== undefined)
        expect(Object.keys(await issuesFor(slug, { ...valid, [name]: p.max + step }))).toEqual([name]);
    },
  );

  it.each(params.filter(([, p]) => p.valuesComplete))(
    'refuses a value outside the list of %s',
    async (name) => {
      expect(Object.keys(await issuesFor(slug, { ...valid, [name]: 'not-on-the-page' }))).toEqual([name]);
    },
  );

  it.each(params.filter(([, p]) => p.values && !p.valuesComplete))(
    'sends any string for %s (the page cut the list short)',
    async (name) => {
      expect(await issuesFor(slug, { ...valid, [name]: 'not-on-the-page' })).toEqual({});
    },
  );

  it(
    spec.strict ? 'refuses an unknown key (complete table)' : 'sends an unknown key (known in part)',
    async () => {
      const found = await issuesFor(slug, { ...valid, zz_not_on_the_page: 1 });
      if (spec.strict) expect(found.zz_not_on_the_page).toMatch(/^unknown parameter \(known: /);
      else expect(found).toEqual({});
    },
  );
});
