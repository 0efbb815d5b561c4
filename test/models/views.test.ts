// What the CLI, `segmind models` and the README read from the registry.
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/index.js';
import { MODEL_SLUGS } from '../../src/models/lookup.js';
import { modelFlags } from '../../src/models/views/flags.js';
import { formatModelList, modelListing, modelRules } from '../../src/models/views/listing.js';
import { modelsTable } from '../../src/models/views/readme-table.js';

describe('CLI flags from the registry', () => {
  it('one flag per parameter but the prompt, with type, range, default and the rule in words', () => {
    const flags = modelFlags('flux-schnell');
    expect(flags.map((f) => f.flag)).toEqual([
      'steps',
      'seed',
      'sampler-name',
      'scheduler',
      'samples',
      'width',
      'height',
      'denoise',
      'base64',
    ]);
    expect(flags.find((f) => f.flag === 'width')).toEqual({
      flag: 'width',
      param: 'width',
      type: 'integer',
      minimum: 512,
      maximum: 2048,
      multipleOf: 8,
      default: '1024',
      help: 'Width in pixels',
      rule: 'an integer from 512 to 2048, a multiple of 8',
      required: false,
    });
  });

  it('a complete list is an enum; an open one only known values', () => {
    const flags = modelFlags('flux-schnell');
    expect(flags.find((f) => f.param === 'scheduler')).toMatchObject({
      enum: ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform'],
      rule: 'one of the 6 schedulers: normal, karras, exponential, sgm_uniform, simple, ddim_uniform',
    });
    const sampler = flags.find((f) => f.param === 'sampler_name')!;
    expect(sampler.enum).toBeUndefined();
    expect(sampler.knownValues).toContain('euler');
    expect(sampler.rule).toMatch(/^known values: euler, .*\(other strings are sent as given\)$/);
  });

  it('image flags say whether they take one image or repeat for a list', () => {
    expect(modelFlags('flux-kontext-pro').find((f) => f.param === 'input_image')).toMatchObject({
      flag: 'input-image',
      type: 'string',
      image: 'single',
      required: false,
    });
    expect(modelFlags('flux-2-klein-4b').find((f) => f.param === 'image_urls')).toMatchObject({
      flag: 'image-urls',
      image: 'array',
    });
    expect(
      modelFlags('multi-image-kontext-pro')
        .filter((f) => f.image)
        .map((f) => f.flag),
    ).toEqual(['input-image-1', 'input-image-2']);
  });

  it('a LoRA slug gets its pattern entry’s flags; an untyped model none', () => {
    expect(modelFlags('40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora').map((f) => f.flag)).toContain(
      'lora-strength',
    );
    expect(modelFlags('some-new-model')).toEqual([]);
  });
});

describe('segmind models', () => {
  it('lists every registry model once, grouped by what it is for', () => {
    const listing = modelListing();
    // The groups in their fixed order, those with models only.
    const groups = ['text-to-image', 'editing', 'conditioning', 'upscaling'].filter((g) =>
      Object.values(MODELS).some((m) => m.group === g),
    );
    expect(listing.map((g) => g.group)).toEqual(groups);
    const slugs = listing.flatMap((g) => g.models.map((m) => m.slug));
    expect(slugs.sort()).toEqual([...MODEL_SLUGS, '<uuid>-<name>'].sort());
    for (const { group, models } of listing)
      for (const m of models)
        if (m.slug !== '<uuid>-<name>') expect(MODELS[m.slug as 'flux-dev'].group).toBe(group);
  });

  it('shows each group under its heading, with image inputs', () => {
    const text = formatModelList();
    expect(text).toMatch(/^Text to image:\n {2}flux-schnell {2,}Fast text-to-image/);
    expect(text).toMatch(/\nEditing:\n/);
    expect(text).toMatch(/ {2}flux-kontext-pro +Edits an image .*\[images: input_image\]/);
    expect(text).toMatch(/ {2}flux-2-klein-4b +.*\[images: image_urls\[\]\]/);
  });

  it('per model: endpoints, how unknown keys fare, each rule with its default, notes', () => {
    const lines = modelRules('flux-kontext-pro')!;
    expect(lines[1]).toBe('Endpoints: v1 and v2.');
    expect(lines[2]).toMatch(/^Known in part: other keys are sent as given/);
    expect(lines).toContain(
      '  output_format     Format of the output image: one of the 2 output formats: jpg, png [default: png]',
    );
    expect(lines).toContain('                    note: The page counts 14 aspect ratios and shows 10.');
    expect(modelRules('flux-img2img')![2]).toMatch(/^Complete parameter table/);
    expect(modelRules('flux-redux-schnell')![1]).toBe('Endpoints: v1 only. Only a v1 capture was seen.');
    expect(modelRules('some-new-model')).toBeUndefined();
  });

  it('marks what a page shows only in its code sample', () => {
    expect(modelRules('flux-pro')!.find((l) => l.includes(' guidance '))).toMatch(
      /How closely the image follows the prompt: a number \[example: 3; seen only in the page example\]$/,
    );
  });
});

describe('README "Models" table', () => {
  it('has one row per model: slug, what for, v1/v2, image inputs', () => {
    const rows = modelsTable().split('\n');
    expect(rows[0]).toBe('| model | what for | API | image inputs |');
    expect(rows).toContain(
      '| `flux-kontext-pro` | Edits an image from a text instruction, or draws one from text alone. | v1 + v2 | `input_image` |',
    );
    expect(rows).toContain(
      '| `flux-dev-finetuned` | Flux Dev with a LoRA you trained on Segmind (by finetune_id). | v2 | — |',
    );
    expect(rows.filter((r) => r.startsWith('| `'))).toHaveLength(MODEL_SLUGS.length + 1);
  });
});
