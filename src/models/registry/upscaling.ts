import type { ModelSpec } from './types.js';

// Upscalers built on Flux. Evidence: their segmind.com API pages (FLUX-MODELS.md).

export const UPSCALING_MODELS: readonly ModelSpec[] = [];
