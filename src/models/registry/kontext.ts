import type { ModelSpec } from './types.js';
import { KONTEXT_ASPECT_RATIOS } from './values.js';

// FLUX.1 Kontext: edit images from a text instruction. Evidence: their segmind.com API pages and an
// older preview of kontext-dev (FLUX-MODELS.md). Kontext tables look full, but upstream Kontext has
// parameters Segmind's tables do not list, so the SDK sends unknown keys rather than refuse them.

const ASPECT_RATIO_CAVEAT = 'The page counts 14 aspect ratios and shows 10.';

const editPrompt = { type: 'string', required: true, description: 'The edit to make, in words.' } as const;

export const KONTEXT_MODELS: readonly ModelSpec[] = [
  // Evidence: Full table of six rows; the aspect ratio list is cut off (10 of 14).
  {
    slug: 'flux-kontext-pro',
    title: 'Flux Kontext Pro',
    description: 'Edits an image from a text instruction, or draws one from text alone.',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: editPrompt,
      aspect_ratio: {
        type: 'string',
        values: KONTEXT_ASPECT_RATIOS,
        valuesComplete: false,
        default: 'match_input_image',
        description: 'Aspect ratio of the output.',
        caveat: ASPECT_RATIO_CAVEAT,
      },
      input_image: { type: 'image', description: 'The image to edit.' },
      output_format: {
        type: 'string',
        values: ['jpg', 'png'],
        valuesComplete: true,
        default: 'png',
        description: 'Format of the output image.',
      },
      safety_tolerance: {
        type: 'integer',
        min: 0,
        max: 6,
        default: 2,
        description: 'Moderation level, 0 strictest to 6 most permissive; at most 2 with an input image.',
      },
      seed: { type: 'integer', description: 'Random seed.' },
    },
  },
  // Evidence: Same six rows as Kontext Pro; the aspect ratio list is cut off (10 of 14).
  {
    slug: 'flux-kontext-max',
    title: 'Flux Kontext Max',
    description: 'Kontext with the strongest prompt following and typography: edit or draw from text.',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      prompt: editPrompt,
      aspect_ratio: {
        type: 'string',
        values: KONTEXT_ASPECT_RATIOS,
        valuesComplete: false,
        default: '16:9',
        description: 'Aspect ratio of the output.',
        caveat: ASPECT_RATIO_CAVEAT,
      },
      input_image: { type: 'image', description: 'The image to edit.' },
      output_format: {
        type: 'string',
        values: ['jpg', 'png'],
        valuesComplete: true,
        default: 'png',
        description: 'Format of the output image.',
      },
      safety_tolerance: {
        type: 'integer',
        min: 0,
        max: 6,
        default: 2,
        description: 'Moderation level, up to 6 most permissive.',
        caveat: "This page says 1 is the strictest value, Kontext Pro's says 0: 0 is not refused.",
      },
      seed: { type: 'integer', description: 'Random seed.' },
    },
  },
  // Evidence: Partial table; ranges from an older preview of the page; enum lists not captured.
  {
    slug: 'flux-kontext-dev',
    title: 'FLUX.1 Kontext [dev]',
    description: 'Open-weights Kontext: edits an image from a text instruction.',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      input_image: {
        type: 'image',
        required: true,
        description: 'The image to edit (jpeg, png, gif or webp).',
      },
      prompt: editPrompt,
      aspect_ratio: {
        type: 'string',
        values: ['match_input_image'],
        valuesComplete: false,
        default: 'match_input_image',
        description: 'Aspect ratio of the output.',
        caveat: 'The list of values was not captured.',
      },
      seed: { type: 'integer', example: 42, description: 'Random seed (blank: random).' },
      guidance: {
        type: 'number',
        min: 0,
        max: 10,
        example: 7,
        description: 'How closely the edit follows the prompt.',
      },
      output_format: {
        type: 'string',
        values: ['webp', 'jpg', 'png'],
        valuesComplete: false,
        example: 'png',
        description: 'Format of the output image.',
        caveat: 'The list was not captured; the text mentions these three.',
      },
      output_quality: {
        type: 'integer',
        min: 0,
        max: 100,
        example: 90,
        description: 'Quality of a lossy output image.',
      },
      num_inference_steps: { type: 'integer', example: 35, description: 'Inference steps.' },
      disable_safety_checker: {
        type: 'boolean',
        example: false,
        description: 'Turn the safety checker off.',
      },
    },
  },
  // Evidence: Near-full table; the aspect ratio list is cut off (10 of 14), safety_tolerance's text too.
  {
    slug: 'multi-image-kontext-pro',
    title: 'Multi Image Kontext Pro',
    description: 'Combines two images from a text instruction (Kontext Pro).',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      input_image_1: { type: 'image', required: true, description: 'The first image.' },
      input_image_2: { type: 'image', required: true, description: 'The second image.' },
      prompt: { type: 'string', required: true, description: 'How to combine the images, in words.' },
      aspect_ratio: {
        type: 'string',
        values: KONTEXT_ASPECT_RATIOS,
        valuesComplete: false,
        default: 'match_input_image',
        description: 'Aspect ratio of the output.',
        caveat: ASPECT_RATIO_CAVEAT,
      },
      output_format: {
        type: 'string',
        values: ['jpg', 'png'],
        valuesComplete: true,
        default: 'png',
        description: 'Format of the output image.',
      },
      safety_tolerance: {
        type: 'integer',
        example: 2,
        description: 'Moderation level: 0 is the strictest (the rest of the text is cut off).',
      },
    },
  },
  // Evidence: Near-full table; the aspect ratio list is cut off (10 of 14), safety_tolerance's text too.
  {
    slug: 'multi-image-kontext-max',
    title: 'Multi Image Kontext Max',
    description: 'Combines two images from a text instruction (Kontext Max).',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      input_image_1: { type: 'image', required: true, description: 'The first image.' },
      input_image_2: { type: 'image', required: true, description: 'The second image.' },
      prompt: { type: 'string', required: true, description: 'How to combine the images, in words.' },
      aspect_ratio: {
        type: 'string',
        values: KONTEXT_ASPECT_RATIOS,
        valuesComplete: false,
        default: '16:9',
        description: 'Aspect ratio of the output.',
        caveat: ASPECT_RATIO_CAVEAT,
      },
      output_format: {
        type: 'string',
        values: ['jpg', 'png'],
        valuesComplete: true,
        default: 'jpg',
        description: 'Format of the output image.',
      },
      safety_tolerance: {
        type: 'integer',
        example: 1,
        description: 'Moderation level (the text is cut off).',
      },
      seed: { type: 'number', seenIn: 'example', example: 42, description: 'Random seed.' },
    },
  },
];
