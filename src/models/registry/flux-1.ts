import type { ModelSpec } from './types.js';
import { ASPECT_RATIOS, FINETUNE_ASPECT_RATIOS, MEGAPIXELS_CAVEAT } from './values.js';

// FLUX.1 text-to-image models beyond Schnell. Evidence: their segmind.com API pages (FLUX-MODELS.md);
// several show only a code sample, whose keys are typed from their values and checked no further.

export const FLUX_1_MODELS: readonly ModelSpec[] = [
  // Evidence: Partial table: samples, steps and seed rows are cut off; prompt_strength implies an image
  // input that no capture shows.
  {
    slug: 'flux-dev',
    title: 'Flux.1 Dev',
    description: 'Text-to-image with guidance, output format and quality controls.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: { type: 'string', required: true, description: 'What to draw.' },
      aspect_ratio: {
        type: 'string',
        values: ASPECT_RATIOS,
        valuesComplete: true,
        description: 'Aspect ratio of the image.',
        caveat: 'The page shows an empty default and a description copied from a scheduler field.',
      },
      guidance: {
        type: 'number',
        min: 0,
        max: 10,
        default: 3,
        description: 'How closely the image follows the prompt.',
        caveat: 'The page types it integer but its own example sends 3.5: fractions are not refused.',
      },
      output_format: {
        type: 'string',
        values: ['webp', 'jpg', 'png'],
        valuesComplete: true,
        default: 'webp',
        description: 'Format of the output image.',
      },
      output_quality: {
        type: 'integer',
        min: 0,
        max: 100,
        default: 80,
        description: 'Quality of a lossy output image.',
      },
      prompt_strength: {
        type: 'number',
        min: 0,
        max: 1,
        default: 0.8,
        description: 'How much the prompt changes an input image.',
      },
      samples: { type: 'integer', example: 1, description: 'Number of images.' },
      steps: { type: 'integer', example: 25, description: 'Inference steps.' },
      seed: { type: 'integer', example: 46588, description: 'Random seed (-1: random).' },
    },
  },
  // Evidence: Only the page's code sample was captured: keys known, types read from its values, no ranges.
  {
    slug: 'flux-pro',
    title: 'Flux .1 Pro',
    description: "Black Forest Labs' Pro text-to-image model.",
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: { type: 'string', seenIn: 'example', description: 'What to draw.' },
      guidance: {
        type: 'number',
        seenIn: 'example',
        example: 3,
        description: 'How closely the image follows the prompt.',
      },
      steps: { type: 'number', seenIn: 'example', example: 25, description: 'Inference steps.' },
      interval: { type: 'number', seenIn: 'example', example: 2, description: 'Variety of the output.' },
      safety_tolerance: {
        type: 'number',
        seenIn: 'example',
        example: 2,
        description: 'Moderation level: lower is stricter.',
      },
      aspect_ratio: {
        type: 'string',
        seenIn: 'example',
        example: '1:1',
        description: 'Aspect ratio of the image.',
      },
      seed: { type: 'number', seenIn: 'example', example: 46588, description: 'Random seed.' },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'webp',
        description: 'Format of the output image.',
      },
      output_quality: {
        type: 'number',
        seenIn: 'example',
        example: 80,
        description: 'Quality of a lossy output image.',
      },
    },
  },
  // Evidence: The page's code sample plus an older preview's attributes (seed, width, height).
  {
    slug: 'flux-1.1-pro',
    title: 'flux-pro-1.1',
    description: 'FLUX1.1 Pro text-to-image: faster than Pro, with custom sizes and prompt upsampling.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: { type: 'string', seenIn: 'example', description: 'What to draw.' },
      seed: {
        type: 'integer',
        default: 1,
        description: 'Random seed.',
        caveat: 'The old preview shows default 1, the current example sends 12345.',
      },
      width: {
        type: 'integer',
        min: 256,
        max: 1440,
        default: 1024,
        description:
          'Width in pixels, used only when aspect_ratio is "custom" (rounded to a multiple of 16).',
      },
      height: {
        type: 'integer',
        default: 1024,
        description: 'Height in pixels, used only when aspect_ratio is "custom".',
        caveat: "The preview's height text is cut off (width's says 256–1440, rounded to a multiple of 16).",
      },
      aspect_ratio: {
        type: 'string',
        values: ['1:1', 'custom'],
        valuesComplete: false,
        seenIn: 'example',
        example: '1:1',
        description: 'Aspect ratio of the image; "custom" uses width and height.',
      },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'png',
        description: 'Format of the output image.',
      },
      output_quality: {
        type: 'number',
        seenIn: 'example',
        example: 80,
        description: 'Quality of a lossy output image.',
      },
      safety_tolerance: {
        type: 'number',
        seenIn: 'example',
        example: 2,
        description: 'Moderation level: lower is stricter.',
      },
      prompt_upsampling: {
        type: 'boolean',
        seenIn: 'example',
        example: false,
        description: 'Let the model rewrite the prompt for more detail.',
      },
    },
  },
  // Evidence: Only the page's code sample was captured, and it is cut off: further keys may exist.
  {
    slug: 'flux-1.1-pro-ultra',
    title: 'Flux-1.1 Pro Ultra',
    description: 'FLUX1.1 Pro Ultra: high-resolution text-to-image, with a raw (less processed) mode.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: { type: 'string', seenIn: 'example', description: 'What to draw.' },
      raw: {
        type: 'boolean',
        seenIn: 'example',
        example: false,
        description: 'Less processed, more natural images.',
      },
      seed: { type: 'number', seenIn: 'example', example: 1234, description: 'Random seed.' },
      aspect_ratio: {
        type: 'string',
        seenIn: 'example',
        example: '1:1',
        description: 'Aspect ratio of the image.',
      },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'jpg',
        description: 'Format of the output image.',
      },
      safety_tolerance: {
        type: 'number',
        seenIn: 'example',
        example: 2,
        description: 'Moderation level: lower is stricter.',
      },
    },
  },
  // Evidence: Only the page's code sample was captured; prompt_strength implies an image input whose name is
  // not shown.
  {
    slug: 'flux-krea-dev',
    title: 'Flux Krea Dev',
    description: 'Flux Dev tuned with Krea for natural, less "AI-looking" images.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    endpointsNote: 'The page shows the v2 banner; v1 appears only in its code sample.',
    strict: false,
    params: {
      prompt: { type: 'string', seenIn: 'example', description: 'What to draw.' },
      seed: { type: 'number', seenIn: 'example', example: 42, description: 'Random seed.' },
      go_fast: {
        type: 'boolean',
        seenIn: 'example',
        example: true,
        description: 'Faster generation at a small cost in quality.',
      },
      guidance: {
        type: 'number',
        seenIn: 'example',
        example: 3,
        description: 'How closely the image follows the prompt.',
      },
      megapixels: {
        type: 'number | string',
        seenIn: 'example',
        example: '1',
        description: 'Approximate size of the output in megapixels.',
        caveat: MEGAPIXELS_CAVEAT,
      },
      num_outputs: { type: 'number', seenIn: 'example', example: 2, description: 'Number of images.' },
      aspect_ratio: {
        type: 'string',
        seenIn: 'example',
        example: '16:9',
        description: 'Aspect ratio of the image.',
      },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'jpg',
        description: 'Format of the output image.',
      },
      output_quality: {
        type: 'number',
        seenIn: 'example',
        example: 90,
        description: 'Quality of a lossy output image.',
      },
      prompt_strength: {
        type: 'number',
        seenIn: 'example',
        example: 0.7,
        description: 'How much the prompt changes an input image.',
      },
      num_inference_steps: {
        type: 'number',
        seenIn: 'example',
        example: 40,
        description: 'Inference steps.',
      },
      disable_safety_checker: {
        type: 'boolean',
        seenIn: 'example',
        example: false,
        description: 'Turn the safety checker off.',
      },
    },
  },
  // Evidence: Two table rows (aspect_ratio, finetune_id) plus the page's code sample.
  {
    slug: 'flux-dev-finetuned',
    title: 'Flux Dev Finetuned',
    description: 'Flux Dev with a LoRA you trained on Segmind (by finetune_id).',
    group: 'text-to-image',
    endpoints: ['v2'],
    endpointsNote: 'Only a v2 capture was seen.',
    strict: false,
    params: {
      aspect_ratio: {
        type: 'string',
        required: true,
        values: FINETUNE_ASPECT_RATIOS,
        valuesComplete: false,
        default: '1:1',
        description: 'Aspect ratio of the image.',
        caveat: 'The page counts 13 aspect ratios and shows 10.',
      },
      finetune_id: { type: 'string', required: true, description: 'The id of your finetuned model.' },
      prompt: {
        type: 'string',
        seenIn: 'example',
        example: 'TOK TOK',
        description: "What to draw; include your LoRA's trigger word.",
      },
      steps: { type: 'number', seenIn: 'example', example: 25, description: 'Inference steps.' },
      seed: { type: 'number', seenIn: 'example', example: 6652105, description: 'Random seed.' },
      scheduler: { type: 'string', seenIn: 'example', example: 'simple', description: 'Scheduler.' },
      sampler_name: { type: 'string', seenIn: 'example', example: 'euler', description: 'Sampler.' },
      lora_strength: {
        type: 'number',
        seenIn: 'example',
        example: 1,
        description: 'How strongly the LoRA applies.',
      },
      hardware: {
        type: 'string',
        seenIn: 'example',
        example: 'cost',
        description: 'Hardware preference (values other than "cost" not shown).',
      },
    },
  },
];
