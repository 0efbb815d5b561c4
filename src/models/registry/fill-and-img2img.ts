import type { ModelSpec } from './types.js';
import { MEGAPIXELS_CAVEAT } from './values.js';

// Inpainting (Fill) and image-to-image. Evidence: their segmind.com API pages (FLUX-MODELS.md).

const IMG2IMG_SAMPLERS = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
];

export const FILL_AND_IMG2IMG_MODELS: readonly ModelSpec[] = [
  // Evidence: Partial table (guidance's range cut off) plus the page's code sample.
  {
    slug: 'flux-fill-pro',
    title: 'Flux Fill Pro',
    description: 'Inpainting: repaints the masked part of an image from a prompt.',
    group: 'editing',
    endpoints: ['v1'],
    endpointsNote: 'Only a v1 capture was seen.',
    strict: false,
    params: {
      image: {
        type: 'image',
        required: true,
        description: 'The image to inpaint (jpeg, png or webp); its alpha channel may serve as the mask.',
      },
      mask: {
        type: 'image',
        description: 'Black keeps, white is repainted; the same size as the image.',
        caveat:
          'Marked required, but described as optional when the image has an alpha mask: not required here.',
      },
      prompt: { type: 'string', required: true, description: 'What to paint in the masked area.' },
      guidance: { type: 'number', example: 3, description: 'How closely the fill follows the prompt.' },
      seed: { type: 'number', seenIn: 'example', example: 965222, description: 'Random seed.' },
      steps: { type: 'number', seenIn: 'example', example: 50, description: 'Inference steps.' },
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
      prompt_upsampling: {
        type: 'boolean',
        seenIn: 'example',
        example: false,
        description: 'Let the model rewrite the prompt for more detail.',
      },
    },
  },
  // Evidence: Partial table plus the page's code sample.
  {
    slug: 'flux-fill-dev',
    title: 'Flux Fill Dev',
    description: 'Open-weights inpainting: repaints the masked part of an image.',
    group: 'editing',
    endpoints: ['v1'],
    endpointsNote: 'Only a v1 capture was seen.',
    strict: false,
    params: {
      image: {
        type: 'image',
        required: true,
        description: 'The image to inpaint; rescaled to multiples of 32 within 1440×1440.',
      },
      mask: { type: 'image', required: true, description: 'Black keeps, white is inpainted.' },
      prompt: { type: 'string', required: true, description: 'What to paint in the masked area.' },
      disable_safety_checker: {
        type: 'boolean',
        default: false,
        description: 'Turn the safety checker off.',
      },
      guidance: {
        type: 'number',
        min: 0,
        max: 100,
        default: 30,
        description: 'How closely the fill follows the prompt.',
      },
      megapixels: {
        type: 'number | string',
        example: '1',
        description: 'Approximate size of the output in megapixels.',
        caveat: MEGAPIXELS_CAVEAT,
      },
      seed: { type: 'number', seenIn: 'example', description: 'Random seed.' },
      num_outputs: { type: 'number', seenIn: 'example', example: 1, description: 'Number of images.' },
      output_format: {
        type: 'string',
        seenIn: 'example',
        example: 'jpg',
        description: 'Format of the output image.',
      },
      output_quality: {
        type: 'number',
        seenIn: 'example',
        example: 80,
        description: 'Quality of a lossy output image.',
      },
      num_inference_steps: {
        type: 'number',
        seenIn: 'example',
        example: 28,
        description: 'Inference steps.',
      },
    },
  },
  // Evidence: The catalogue's only complete table: every row with type, rule and default.
  {
    slug: 'flux-img2img',
    title: 'Flux.1 Image To Image',
    description: 'Image-to-image: redraws an image in the style a prompt describes.',
    group: 'editing',
    endpoints: ['v1', 'v2'],
    strict: true,
    params: {
      denoise: {
        type: 'number',
        required: true,
        min: 0,
        max: 1,
        default: 0.75,
        description: 'How much of the image is redrawn.',
      },
      image: { type: 'image', required: true, description: 'The image to redraw.' },
      prompt: { type: 'string', required: true, description: 'The style or content to move towards.' },
      sampler_name: {
        type: 'string',
        required: true,
        values: IMG2IMG_SAMPLERS,
        valuesComplete: false,
        default: 'euler',
        description: 'Sampler.',
        caveat:
          'The page counts 26 samplers and shows 10 (two of them garbled, read here as euler_ancestral and euler_ancestral_cfg_pp).',
      },
      scheduler: {
        type: 'string',
        required: true,
        values: ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta'],
        valuesComplete: true,
        default: 'simple',
        description: 'Scheduler.',
      },
      steps: {
        type: 'integer',
        required: true,
        min: 1,
        max: 50,
        default: 20,
        description: 'Inference steps.',
      },
      base64: { type: 'boolean', default: false, description: 'Answer with base64 instead of image bytes.' },
      seed: { type: 'integer', default: 46588, description: 'Random seed.' },
    },
  },
];
