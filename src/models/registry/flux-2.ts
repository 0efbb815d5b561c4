import type { ModelSpec } from './types.js';
import { KLEIN_ASPECT_RATIOS } from './values.js';

// FLUX.2: text-to-image that also takes reference images (`image_urls`). Evidence: their
// segmind.com API pages (FLUX-MODELS.md); FLUX.2 pages mark image_urls required, yet their own
// examples leave it out, so the SDK requires it nowhere.

const REFERENCE_IMAGES_CAVEAT =
  'The page marks it required, but its own example leaves it out: it is not required here.';

export const FLUX_2_MODELS: readonly ModelSpec[] = [
  // Evidence: Two table rows (image_urls, prompt) plus the page's code sample.
  {
    slug: 'flux-2-pro',
    title: 'Flux 2 Pro',
    description: 'FLUX.2 Pro: text-to-image, or editing guided by reference images.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      image_urls: {
        type: 'image[]',
        description: 'Reference images.',
        caveat: REFERENCE_IMAGES_CAVEAT,
      },
      prompt: {
        type: 'string',
        required: true,
        description: 'What to draw, or how to change the references.',
      },
      seed: { type: 'number', seenIn: 'example', example: 42, description: 'Random seed.' },
      width: { type: 'number', seenIn: 'example', example: 1024, description: 'Width in pixels.' },
      height: { type: 'number', seenIn: 'example', example: 1024, description: 'Height in pixels.' },
      safety_tolerance: {
        type: 'number',
        seenIn: 'example',
        example: 3,
        description: 'Moderation level: lower is stricter.',
      },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'png',
        description: 'Format of the output image.',
      },
    },
  },
  // Evidence: Two table rows (image_urls, prompt) plus the page's code sample.
  {
    slug: 'flux-2-flex',
    title: 'Flux 2 Flex',
    description: 'FLUX.2 Flex: like Pro, with control over steps and guidance.',
    group: 'text-to-image',
    endpoints: ['v1', 'v2'],
    strict: false,
    params: {
      image_urls: {
        type: 'image[]',
        description: 'Reference images.',
        caveat: REFERENCE_IMAGES_CAVEAT,
      },
      prompt: {
        type: 'string',
        required: true,
        description: 'What to draw, or how to change the references.',
      },
      prompt_upsampling: {
        type: 'boolean',
        seenIn: 'example',
        example: true,
        description: 'Let the model rewrite the prompt for more detail.',
      },
      seed: { type: 'number', seenIn: 'example', example: 42, description: 'Random seed.' },
      width: { type: 'number', seenIn: 'example', example: 1024, description: 'Width in pixels.' },
      height: { type: 'number', seenIn: 'example', example: 1024, description: 'Height in pixels.' },
      safety_tolerance: {
        type: 'number',
        seenIn: 'example',
        example: 2,
        description: 'Moderation level: lower is stricter.',
      },
      guidance: {
        type: 'number',
        seenIn: 'example',
        example: 5,
        description: 'How closely the image follows the prompt.',
      },
      steps: { type: 'number', seenIn: 'example', example: 50, description: 'Inference steps.' },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'png',
        description: 'Format of the output image.',
      },
    },
  },
  // Evidence: The capture shows only a long prompt in the page's code sample: prompt is the one documented
  // key (it likely mirrors flux-2-pro, unverified).
  {
    slug: 'flux-2-max',
    title: 'Flux 2 Max',
    description: 'FLUX.2 Max: the largest FLUX.2, for the most demanding prompts.',
    group: 'text-to-image',
    endpoints: ['v2'],
    endpointsNote: 'Only a v2 capture was seen.',
    strict: false,
    params: {
      prompt: { type: 'string', seenIn: 'example', description: 'What to draw (structured prompts work).' },
    },
  },
  // Evidence: Near-full table; the sampler list and the steps range are cut off.
  {
    slug: 'flux-2-klein-4b',
    title: 'Flux-2 Klein-4b',
    description: 'FLUX.2 Klein 4B: small and fast; text-to-image, or editing with reference images.',
    group: 'text-to-image',
    endpoints: ['v1'],
    endpointsNote: 'Both captures show v1 only.',
    strict: false,
    params: {
      prompt: {
        type: 'string',
        required: true,
        description: 'What to draw, or how to change the references.',
      },
      aspect_ratio: {
        type: 'string',
        values: KLEIN_ASPECT_RATIOS,
        valuesComplete: false,
        default: '1:1',
        description: 'Aspect ratio of the image.',
        caveat: 'The page counts 11 aspect ratios and shows 10.',
      },
      cfg: { type: 'number', min: 1, max: 20, default: 5, description: 'Classifier-free guidance scale.' },
      go_fast: {
        type: 'boolean',
        default: true,
        description: 'Faster generation at a small cost in quality.',
      },
      image_format: {
        type: 'string',
        values: ['png', 'jpeg', 'webp'],
        valuesComplete: true,
        default: 'png',
        description: 'Format of the output image.',
      },
      image_urls: {
        type: 'image[]',
        default: [],
        description: 'Reference images to edit from; none for text-to-image.',
      },
      negative_prompt: {
        type: 'string',
        default: 'low quality, blurry, less details',
        description: 'What to keep out of the image.',
      },
      quality: {
        type: 'integer',
        min: 10,
        max: 100,
        default: 90,
        description: 'Quality of a lossy output image.',
      },
      sampler: {
        type: 'string',
        example: 'euler',
        description: 'Sampler (the list is cut off on the page).',
      },
      seed: { type: 'integer', example: 3425234, description: 'Random seed.' },
      steps: { type: 'integer', example: 20, description: 'Inference steps.' },
    },
  },
  // Evidence: Only the page's code sample was captured (the same 11 keys as Klein 4B, whose ranges are not
  // assumed here).
  {
    slug: 'flux-2-klein-9b',
    title: 'Flux-2 Klein-9b',
    description: 'FLUX.2 Klein 9B: like Klein 4B with more detail; edits from several reference images.',
    group: 'text-to-image',
    endpoints: ['v2'],
    endpointsNote: 'Only a v2 capture was seen.',
    strict: false,
    params: {
      prompt: {
        type: 'string',
        seenIn: 'example',
        description: 'What to draw, or how to change the references.',
      },
      aspect_ratio: { type: 'string', seenIn: 'example', description: 'Aspect ratio of the image.' },
      cfg: { type: 'number', seenIn: 'example', description: 'Classifier-free guidance scale.' },
      go_fast: {
        type: 'boolean',
        seenIn: 'example',
        description: 'Faster generation at a small cost in quality.',
      },
      image_format: { type: 'string', seenIn: 'example', description: 'Format of the output image.' },
      image_urls: {
        type: 'image[]',
        seenIn: 'example',
        description: 'Reference images (the example sends two).',
      },
      negative_prompt: { type: 'string', seenIn: 'example', description: 'What to keep out of the image.' },
      quality: { type: 'number', seenIn: 'example', description: 'Quality of a lossy output image.' },
      sampler: { type: 'string', seenIn: 'example', description: 'Sampler.' },
      seed: { type: 'number', seenIn: 'example', description: 'Random seed.' },
      steps: { type: 'number', seenIn: 'example', description: 'Inference steps.' },
    },
  },
];
