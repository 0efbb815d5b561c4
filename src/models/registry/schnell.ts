import type { ModelSpec } from './types.js';
import { ASPECT_RATIOS, SAMPLERS, SCHEDULERS } from './values.js';

// Evidence: segmind.com/models/<slug>/api (v1 and v2 captures), summarised in FLUX-MODELS.md.

export const SCHNELL_MODELS: readonly ModelSpec[] = [
  // Evidence: The page's parameter table is complete (width's text is cut off; base64 kept from the SDK's
  // earlier reading).
  {
    slug: 'flux-schnell',
    title: 'Flux.1 Schnell',
    description: 'Fast text-to-image in 1–8 steps, with exact width and height, samplers and schedulers.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: true,
    params: {
      prompt: { type: 'string', required: true, description: 'What to draw.' },
      steps: { type: 'integer', min: 1, max: 8, default: 4, description: 'Inference steps.' },
      seed: {
        type: 'integer',
        default: 123456789,
        description: 'Random seed: the same seed and parameters give the same image (-1: random).',
      },
      sampler_name: {
        type: 'string',
        values: SAMPLERS,
        valuesComplete: false,
        default: 'euler',
        description: 'Sampler.',
        caveat: 'The page counts 27 samplers and shows 10; the other names are not confirmed by a capture.',
      },
      scheduler: {
        type: 'string',
        values: SCHEDULERS,
        valuesComplete: true,
        default: 'normal',
        description: 'Scheduler.',
      },
      samples: { type: 'integer', default: 1, description: 'Number of images.' },
      width: {
        type: 'integer',
        min: 512,
        max: 2048,
        multipleOf: 8,
        default: 1024,
        description: 'Width in pixels.',
        caveat: "The page's width text is cut off (it repeats height's); height's stated rule is applied.",
      },
      height: {
        type: 'integer',
        min: 512,
        max: 2048,
        multipleOf: 8,
        default: 1024,
        description: 'Height in pixels.',
      },
      denoise: { type: 'number', min: 0, max: 1, default: 1, description: 'Denoise strength.' },
      base64: {
        type: 'boolean',
        default: false,
        description: 'Answer with JSON `{"image": base64}` instead of image bytes (the SDK decodes either).',
        caveat: "Not in this page's table; other v1 pages (fast-flux-schnell, flux-img2img) document it.",
      },
    },
  },
  // Evidence: The page's parameter table is complete (the steps row's range is cut off).
  {
    slug: 'fast-flux-schnell',
    title: 'Fast Flux.1 Schnell',
    description: 'Flux Schnell, faster: the size is picked by aspect ratio.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: true,
    params: {
      prompt: { type: 'string', required: true, description: 'What to draw.' },
      aspect_ratio: {
        type: 'string',
        values: ASPECT_RATIOS,
        valuesComplete: true,
        default: '1:1',
        description: 'Aspect ratio of the image.',
      },
      base64: {
        type: 'boolean',
        default: false,
        description: 'Answer with base64 text instead of image bytes (the SDK decodes either).',
      },
      seed: { type: 'integer', default: 1184522, description: 'Random seed (-1: random).' },
      steps: {
        type: 'integer',
        min: 1,
        max: 8,
        example: 4,
        description: 'Inference steps.',
        caveat:
          "The capture cuts the range off; 1–8 is the SDK's earlier reading of the page (as flux-schnell).",
      },
    },
  },
];
