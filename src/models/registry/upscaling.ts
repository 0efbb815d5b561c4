import type { ModelSpec } from './types.js';

// Upscalers built on Flux. Evidence: their segmind.com API pages (FLUX-MODELS.md).

export const UPSCALING_MODELS: readonly ModelSpec[] = [
  // Evidence: Two table rows (creativity, image; the image row cut off) plus the page's code sample.
  {
    slug: 'clarityai-flux-upscaler',
    title: 'ClarityAI Flux Upscaler',
    description: 'Upscales an image, re-imagining detail as it goes (creativity sets how much).',
    group: 'upscaling',
    endpoints: ['v2'],
    endpointsNote: "Only a v2 capture was seen; it runs ~340 s, beyond v1's ~60 s: use v2.",
    strict: false,
    params: {
      image: { type: 'image', description: 'The image to upscale.' },
      creativity: {
        type: 'integer',
        min: -10,
        max: 10,
        default: 3,
        description: 'How much detail the upscaler may invent.',
      },
      scale_factor: { type: 'number', seenIn: 'example', example: 4, description: 'How many times larger.' },
      prompt: {
        type: 'string',
        seenIn: 'example',
        description: 'What the image shows, to guide new detail.',
      },
    },
  },
];
