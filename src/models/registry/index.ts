import type { KnownModel } from '../generated/index.js';
import { CONDITIONING_MODELS } from './conditioning.js';
import { FILL_AND_IMG2IMG_MODELS } from './fill-and-img2img.js';
import { FLUX_1_MODELS } from './flux-1.js';
import { FLUX_2_MODELS } from './flux-2.js';
import { KONTEXT_MODELS } from './kontext.js';
import { USER_LORA_MODEL } from './lora.js';
import { SCHNELL_MODELS } from './schnell.js';
import type { ModelPatternSpec, ModelSpec } from './types.js';
import { UPSCALING_MODELS } from './upscaling.js';

/**
 * The model registry: every Flux model the SDK types and checks, by slug, as Segmind's pages
 * state them (FLUX-MODELS.md holds the evidence). Read-only data: validation, the parameter
 * types, the CLI's flags and `segmind models` all come from it. Users' own LoRA endpoints
 * (`<uuid>-<name>`) are matched by a pattern entry instead, checked at run time.
 * @example
 * import { MODELS } from 'segmind';
 * MODELS['flux-schnell'].params.steps.max;      // 8
 * Object.keys(MODELS);                          // every typed slug
 */
// The lists are passed as arguments, not spread into one: a bundler drops a pure call whose
// arguments are plain names, but keeps one that spreads (spreading runs an iterator), and with it
// every description, in an app that never reads MODELS.
export const MODELS: { readonly [M in KnownModel]: ModelSpec } = /* @__PURE__ */ bySlug(
  SCHNELL_MODELS,
  FLUX_1_MODELS,
  FLUX_2_MODELS,
  KONTEXT_MODELS,
  FILL_AND_IMG2IMG_MODELS,
  CONDITIONING_MODELS,
  UPSCALING_MODELS,
);

/** @internal Families of slugs matched by pattern (users' LoRA endpoints). */
export const MODEL_PATTERNS: readonly ModelPatternSpec[] = /* @__PURE__ */ deepFreeze([USER_LORA_MODEL]);

// Frozen all the way down: validation is compiled from these objects, so a caller changing one
// would silently change what the SDK enforces.
function bySlug(...lists: (readonly ModelSpec[])[]): { readonly [M in KnownModel]: ModelSpec } {
  const registry: Record<string, ModelSpec> = {};
  for (const list of lists) for (const spec of list) registry[spec.slug] = spec;
  return deepFreeze(registry) as { readonly [M in KnownModel]: ModelSpec };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
