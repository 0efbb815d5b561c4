import type { ModelPatternSpec } from './types.js';
import { FINETUNE_ASPECT_RATIOS } from './values.js';

// Users' own Flux LoRA endpoints are slugs of the form `<uuid>-<name>`
// (segmind.com/models/40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora/api). No closed union of slugs
// can hold them, so they are one pattern entry: checked at run time like any registry model, typed
// as untyped parameters (a template-literal type would also match ordinary slugs with many dashes).

// Evidence: Partial table (four rows) plus the page's code sample.
export const USER_LORA_MODEL: ModelPatternSpec = {
  slug: '<uuid>-<name>',
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[A-Za-z0-9._-]+$',
  title: 'Flux (your LoRA)',
  description: 'Your own Flux LoRA, trained on Segmind and served at its own slug.',
  group: 'text-to-image',
  endpoints: ['v1'],
  endpointsNote: 'Only a v1 capture was seen.',
  strict: false,
  params: {
    aspect_ratio: {
      type: 'string',
      required: true,
      values: FINETUNE_ASPECT_RATIOS,
      valuesComplete: false,
      default: '2:3',
      description: 'Aspect ratio of the image.',
      caveat: 'The page counts 13 aspect ratios and shows 10.',
    },
    lora_strength: {
      type: 'number',
      required: true,
      min: -10,
      max: 10,
      default: 1.2,
      description: 'How strongly the LoRA applies.',
    },
    prompt: {
      type: 'string',
      required: true,
      description: "What to draw; include your LoRA's trigger word.",
    },
    sampler_name: {
      type: 'string',
      required: true,
      default: 'euler',
      description: 'Sampler (the list is cut off on the page).',
    },
    steps: { type: 'number', seenIn: 'example', example: 20, description: 'Inference steps.' },
    seed: { type: 'number', seenIn: 'example', description: 'Random seed.' },
    scheduler: { type: 'string', seenIn: 'example', example: 'simple', description: 'Scheduler.' },
  },
};
